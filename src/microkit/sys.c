/* sys.c: the system calls the runtime, and the library sealed into it, make under names a seL4 PD is free to
   use for its own functions (a PD has no libc on seL4: sDDF's x86 serial driver defines read and write). The
   build renames the runtime's references to these (src/microkit/libc-names.txt) so that a PD's own ioctl or
   mmap is never called in their place; glibc's public aliases (__read, __write, ...) serve the rest. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

int mk_sys_ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)syscall(SYS_ioctl, fd, request, arg);
}

void *mk_sys_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    return (void *)syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
}

int mk_sys_munmap(void *addr, size_t length)
{
    return (int)syscall(SYS_munmap, addr, length);
}

int mk_sys_kill(pid_t pid, int sig)
{
    return (int)syscall(SYS_kill, pid, sig);
}

pid_t mk_sys_gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

int mk_sys_eventfd(unsigned int initval, int flags)
{
    return (int)syscall(SYS_eventfd2, initval, flags);
}

int mk_sys_clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)syscall(SYS_clock_gettime, clock, ts);
}
