/*
 * TEST-ONLY, never shipped. Wine 8.0 (Debian 12) has no coremessaging.dll, which the Windows.Graphics.Capture
 * reader (windows-capture) imports for CreateDispatcherQueueController; real Windows 10 1709 and later have it.
 * Without it the loader refuses to start ocrlay.exe at all under wine. Placed beside ocrlay.exe in a test copy
 * only, it answers E_NOTIMPL, which ocrlay takes as "no WGC session" (wine has no Windows.Graphics.Capture
 * anyway, so ocrlay reads through GDI there, as the test wants).
 *
 * Built by tests/windows_exe.rs: x86_64-w64-mingw32-gcc -shared -O2 -o coremessaging.dll THIS
 */
#include <windows.h>

/* DispatcherQueueOptions is 12 bytes: x64 passes it by reference. */
__declspec(dllexport) HRESULT WINAPI CreateDispatcherQueueController(const void *options, void **controller)
{
    (void)options;
    if (controller)
        *controller = NULL;
    return E_NOTIMPL;
}
