/* sys.h: sys.c, the system calls the sealed runtime makes in place of libc's same-named functions, which a PD
   may define for itself (see libc-names.txt). Each behaves as libc's: -1 (MAP_FAILED for mmap) with errno. */
#ifndef VCPUCTX_MK_SYS_H
#define VCPUCTX_MK_SYS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

int mk_sys_ioctl(int fd, unsigned long request, ...);
void *mk_sys_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int mk_sys_munmap(void *addr, size_t length);
int mk_sys_kill(pid_t pid, int sig);
pid_t mk_sys_gettid(void);
int mk_sys_eventfd(unsigned int initval, int flags);
int mk_sys_clock_gettime(clockid_t clock, struct timespec *ts);

#endif /* VCPUCTX_MK_SYS_H */
