/*
 * TEST-ONLY, never shipped. Wine 8.0 (Debian 12) has no bcryptprimitives.dll, which Rust's standard library
 * imports for ProcessPrng; real Windows 10 and later have it. Placed beside ocrlay.exe in a test copy only, it
 * lets the Windows build run under wine. ProcessPrng fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), which wine has.
 *
 * Built by tests/windows_exe.rs: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll THIS -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
