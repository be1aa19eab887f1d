/* vm.c: VM and vCPU lifecycle: /dev/kvm, guest RAM, vCPU creation in the reset state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "claims.h"
#include "cpuid.h"
#include "irq.h"
#include "kvm.h"
#include "memory.h"
#include "ram.h"

#define TSS_ADDR 0xfffbd000UL /* three pages below the BIOS, as QEMU places it */

static int vm_setup(struct vm *vm, void *lent, size_t ram_bytes)
{
    VM_P(vm)->fd = kvm_vm_create_fd(VM_P(vm)->kvm_fd);
    if (VM_P(vm)->fd < 0)
        return -1;
    /* VT-x hosts need a TSS area for real mode; elsewhere it is a no-op. */
    if (kvm_vm_ioctl(vm, KVM_SET_TSS_ADDR, (void *)TSS_ADDR) < 0)
        return -1;
    VM_P(vm)->ram.lent = lent != NULL;
    VM_P(vm)->ram.host = lent;
    if (!lent && ram_bytes) {
        VM_P(vm)->ram.host =
            mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (VM_P(vm)->ram.host == MAP_FAILED) {
            VM_P(vm)->ram.host = NULL;
            return -1;
        }
    }
    VM_P(vm)->ram.size = ram_bytes;
    if (ram_bytes && kvm_vm_set_memory(vm, 0, 0, VM_P(vm)->ram.host, ram_bytes, false) < 0)
        return -1;
    if (ram_regions_init(vm) < 0)
        return -1;
    if (kvm_check_ext(VM_P(vm)->fd, KVM_CAP_EXCEPTION_PAYLOAD) &&
        kvm_vm_enable_cap(vm, KVM_CAP_EXCEPTION_PAYLOAD, 1) == 0)
        VM_P(vm)->payload = true;
    return 0;
}

static vm_t *vm_create(void *lent, size_t ram_bytes)
{
    struct vm *vm = calloc(1, sizeof(struct vm) + sizeof(struct vm_priv));
    if (!vm)
        return NULL;
    VM_P(vm)->fd = -1;
    vm->run.exit_reason = -1;
    pthread_mutex_init(&VM_P(vm)->loop.lock, NULL);
    pthread_mutex_init(&VM_P(vm)->loop.kick_lock, NULL);
    VM_P(vm)->loop.status = VCPUCTX_RUN_FAILED;
    VM_P(vm)->kvm_fd = kvm_open_dev();
    if (VM_P(vm)->kvm_fd < 0 || vm_setup(vm, lent, ram_bytes) < 0) {
        int e = errno;
        vcpuctx_vm_destroy(vm);
        errno = e;
        return NULL;
    }
    vm->vm_initialised = true;
    return vm;
}

vm_t *vcpuctx_vm_create(size_t ram_bytes)
{
    if (ram_bytes < PAGE_SIZE || ram_bytes > VCPUCTX_RAM_MAX || ram_bytes % PAGE_SIZE) {
        errno = EINVAL;
        return NULL;
    }
    return vm_create(NULL, ram_bytes);
}

vm_t *vcpuctx_vm_create_on(void *ram, size_t ram_bytes)
{
    if (!ram != !ram_bytes || (uintptr_t)ram % PAGE_SIZE || ram_bytes > VCPUCTX_RAM_MAX || ram_bytes % PAGE_SIZE) {
        errno = EINVAL;
        return NULL;
    }
    return vm_create(ram, ram_bytes);
}

static void vcpu_free(struct vm_vcpu *vcpu)
{
    if (VCPU_P(vcpu)->run)
        munmap(VCPU_P(vcpu)->run, VCPU_P(vcpu)->run_size);
    if (VCPU_P(vcpu)->fd >= 0)
        close(VCPU_P(vcpu)->fd);
    free(vcpu);
}

void vcpuctx_vm_destroy(vm_t *vm)
{
    if (!vm)
        return;
    for (unsigned int i = 0; i < vm->num_vcpus; i++)
        vcpu_free(vm->vcpus[i]);
    if (VM_P(vm)->fd >= 0)
        irq_free_all(vm);
    if (VM_P(vm)->ram.host && !VM_P(vm)->ram.lent)
        munmap(VM_P(vm)->ram.host, VM_P(vm)->ram.size);
    for (int i = 0; i < VM_P(vm)->ram.nroms; i++)
        munmap(VM_P(vm)->ram.roms[i].host, VM_P(vm)->ram.roms[i].size);
    if (VM_P(vm)->fd >= 0)
        close(VM_P(vm)->fd);
    if (VM_P(vm)->kvm_fd >= 0)
        close(VM_P(vm)->kvm_fd);
    free(VM_P(vm)->ports.list.ioports);
    memory_free_all(vm);
    ram_free_all(vm);
    free(VM_P(vm)->cpu.list);
    free(VM_P(vm)->cpu.spec);
    pthread_mutex_destroy(&VM_P(vm)->loop.lock);
    pthread_mutex_destroy(&VM_P(vm)->loop.kick_lock);
    free(vm);
}

/* Controls as a VMM on VT-x would find them after reset, with the bits KVM fixes. */
static void controls_reset(struct controls *c)
{
    memset(c, 0, sizeof(*c));
    c->primary = VMX_PRIMARY_HLT_EXITING | VMX_PRIMARY_UNCOND_IO_EXITING;
    c->smbase = 0x30000;
}

/*
 * One reset state on every host: the SDM's (and KVM on VT-x's), not the variants KVM on SVM leaves (code and
 * data segments without their accessed bit, CS type 0xA; TR a 16-bit busy TSS). Pushed at the first entry.
 */
static int reset_state_normalize(struct vm_vcpu *vcpu)
{
    struct kvm_sregs *s = state_sregs(vcpu);
    if (!s)
        return -1;
    struct kvm_segment *segs[] = {&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss};
    bool changed = false;
    for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
        if (segs[i]->s && segs[i]->present && !(segs[i]->type & 1)) {
            segs[i]->type |= 1; /* accessed */
            changed = true;
        }
    if (s->tr.type == 3) {
        s->tr.type = 11; /* busy 32-bit TSS */
        changed = true;
    }
    if (changed)
        VCPU_P(vcpu)->cache.sregs_st = CACHE_DIRTY;
    return 0;
}

/* Give the vCPU the VM's CPUID list, with its own APIC ID where CPUID reports one. */
static int vcpu_give_cpuid(struct vm_vcpu *vcpu, const struct kvm_cpuid2 *vm_list)
{
    struct kvm_cpuid2 *own = cpuid_for_vcpu(vm_list, vcpu->vcpu_id);
    int r = own ? kvm_vcpu_set_cpuid(vcpu, own) : -1;
    int e = errno;
    free(own);
    errno = e;
    return r;
}

static int vcpu_setup(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->fd = kvm_vcpu_create_fd(vcpu->vm, (int)vcpu->vcpu_id);
    const struct kvm_cpuid2 *cpuid = VCPU_P(vcpu)->fd < 0 ? NULL : cpuid_of_vm(vcpu->vm);
    if (!cpuid || kvm_vcpu_map_run(vcpu) < 0 || vcpu_give_cpuid(vcpu, cpuid) < 0 ||
        kvm_vcpu_setup_mce(vcpu, cpuid_mcg_cap(cpuid)) < 0)
        return -1;
    int caps = kvm_check_ext(VM_P(vcpu->vm)->fd, KVM_CAP_SYNC_REGS);
    uint32_t want = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS;
    /* VCPUCTX_NO_SYNC_REGS=1 forces the ioctl fallback (for tests and comparisons). */
    const char *off = getenv("VCPUCTX_NO_SYNC_REGS");
    VCPU_P(vcpu)->cache.sync = ((uint32_t)caps & want) == want && !(off && strcmp(off, "1") == 0);
    if (VCPU_P(vcpu)->cache.sync) {
        VCPU_P(vcpu)->cache.regs = &VCPU_P(vcpu)->run->s.regs.regs;
        VCPU_P(vcpu)->cache.sregs = &VCPU_P(vcpu)->run->s.regs.sregs;
        VCPU_P(vcpu)->cache.events = &VCPU_P(vcpu)->run->s.regs.events;
    } else {
        VCPU_P(vcpu)->cache.regs = &VCPU_P(vcpu)->store.regs;
        VCPU_P(vcpu)->cache.sregs = &VCPU_P(vcpu)->store.sregs;
        VCPU_P(vcpu)->cache.events = &VCPU_P(vcpu)->store.events;
    }
    site_memos_reset(&VCPU_P(vcpu)->site);
    controls_reset(&VCPU_P(vcpu)->ctl);
    return reset_state_normalize(vcpu);
}

vm_vcpu_t *vm_create_vcpu(vm_t *vm, int priority)
{
    (void)priority;
    if (!vm) {
        errno = EINVAL;
        return NULL;
    }
    if (vm->num_vcpus >= VCPUCTX_MAX_VCPUS) {
        errno = EBUSY;
        return NULL;
    }
    struct vm_vcpu *vcpu = calloc(1, sizeof(struct vm_vcpu) + sizeof(struct vcpu_priv));
    if (!vcpu)
        return NULL;
    vcpu->vm = vm;
    vcpu->vcpu_id = vm->num_vcpus;
    vcpu->target_cpu = -1;
    VCPU_P(vcpu)->fd = -1;
    if (vcpu_setup(vcpu) < 0) {
        int e = errno;
        vcpu_free(vcpu);
        errno = e;
        return NULL;
    }
    vm->vcpus[vm->num_vcpus++] = vcpu;
    return vcpu;
}

int vm_assign_vcpu_target(vm_vcpu_t *vcpu, int target_cpu)
{
    if (!vcpu || target_cpu < 0) {
        errno = EINVAL;
        return -1;
    }
    vm_vcpu_t *holder = vm_vcpu_for_target_cpu(vcpu->vm, target_cpu);
    if (holder && holder != vcpu) {
        errno = EBUSY;
        return -1;
    }
    vcpu->target_cpu = target_cpu;
    return 0;
}

int vcpu_start(vm_vcpu_t *vcpu)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    vcpu->vcpu_online = true;
    return 0;
}

int vcpuctx_vm_map_rom(vm_t *vm, uint64_t gpa, const void *data, size_t size)
{
    if (!vm || !data || !size || size % PAGE_SIZE || gpa % PAGE_SIZE || gpa + size < gpa ||
        ram_overlaps(vm, gpa, size)) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < VM_P(vm)->ram.nroms; i++) {
        if (ranges_overlap(gpa, size, VM_P(vm)->ram.roms[i].gpa, VM_P(vm)->ram.roms[i].size)) {
            errno = EINVAL;
            return -1;
        }
    }
    if (VM_P(vm)->ram.nroms == VCPUCTX_MAX_ROMS) {
        errno = ENOSPC;
        return -1;
    }
    uint8_t *host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (host == MAP_FAILED)
        return -1;
    memcpy(host, data, size);
    if (kvm_vm_set_memory(vm, (uint32_t)(1 + VM_P(vm)->ram.nroms), gpa, host, size, true) < 0) {
        int e = errno;
        munmap(host, size);
        errno = e;
        return -1;
    }
    VM_P(vm)->ram.roms[VM_P(vm)->ram.nroms++] = (struct rom){gpa, host, size};
    return 0;
}

void vcpuctx_vcpu_kick(vm_vcpu_t *vcpu)
{
    if (vcpu && VCPU_P(vcpu)->run) {
        VCPU_P(vcpu)->run->immediate_exit = 1;
        vcpus_kick(vcpu); /* in a vm_run of several vCPUs, out of a KVM_RUN in progress too */
    }
}

int vcpuctx_vm_enable_msr_exits(vm_t *vm)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    if (!kvm_check_ext(VM_P(vm)->fd, KVM_CAP_X86_USER_SPACE_MSR)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return kvm_vm_enable_cap(vm, KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_UNKNOWN) < 0 ? -1 : 0;
}

int vcpuctx_vcpu_stats(const vm_vcpu_t *vcpu, struct vcpuctx_stats *stats)
{
    if (!vcpu || !stats) {
        errno = EINVAL;
        return -1;
    }
    *stats = VCPU_CP(vcpu)->stats;
    stats->sync_regs = VCPU_CP(vcpu)->cache.sync;
    return 0;
}

int vcpuctx_vcpu_fd(const vm_vcpu_t *vcpu)
{
    return vcpu ? VCPU_CP(vcpu)->fd : -1;
}

int vcpuctx_vm_fd(const vm_t *vm)
{
    return vm ? VM_CP(vm)->fd : -1;
}

int vcpuctx_vcpu_get_msr(vm_vcpu_t *vcpu, uint32_t index, uint64_t *value)
{
    if (!vcpu || !value) {
        errno = EINVAL;
        return -1;
    }
    return kvm_vcpu_get_msr(vcpu, index, value);
}

int vcpuctx_vcpu_set_msr(vm_vcpu_t *vcpu, uint32_t index, uint64_t value)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    return kvm_vcpu_set_msr(vcpu, index, value);
}

long vcpuctx_vcpu_tsc_khz(vm_vcpu_t *vcpu)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    int khz = kvm_vcpu_ioctl(vcpu, KVM_GET_TSC_KHZ, NULL);
    if (khz == 0)
        errno = ENOTSUP;
    return khz > 0 ? khz : -1;
}
