//! The console of a Windows build: the exe is a GUI program (no console window when started from Explorer),
//! so a subcommand typed in cmd or PowerShell attaches to that console to print. Handles that are already
//! redirected (`ocrlay providers --json > list.json`, a pipe from a test) are kept as they are. Elsewhere this
//! does nothing.

/// Attaches to the parent's console where there is one and the output is not redirected.
pub fn attach() {
    #[cfg(windows)]
    win::attach();
}

#[cfg(windows)]
mod win {
    use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Console::{
        AttachConsole, GetStdHandle, SetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE,
        STD_HANDLE, STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
    };

    fn valid(h: HANDLE) -> bool {
        !h.is_null() && h != INVALID_HANDLE_VALUE
    }

    pub fn attach() {
        const ALL: [STD_HANDLE; 3] = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
        // SAFETY: plain Win32 calls on this process's standard handles.
        unsafe {
            let before = ALL.map(|which| GetStdHandle(which));
            if before.iter().all(|h| valid(*h)) {
                return;
            }
            if AttachConsole(ATTACH_PARENT_PROCESS) == 0 {
                // Started from Explorer: no console, and none is wanted.
                return;
            }
            // Attaching points every standard handle at the console: give back those that were redirected.
            for (which, h) in ALL.into_iter().zip(before) {
                if valid(h) {
                    SetStdHandle(which, h);
                }
            }
        }
    }
}
