# Makefile: builds libvcpuctx (static and shared), the test guests and the Criterion suites.
# make [ABI=x86_64|ia32] [V=1] [SANITIZE=1]; make test; make install PREFIX=/usr/local DESTDIR=

ABI ?= x86_64
PREFIX ?= /usr/local
DESTDIR ?=
SOVERSION := 0
, := ,
VERSION := 0.1.0

# Sanitized builds live apart, so a plain and a SANITIZE=1 build never mix objects.
SANDIR := $(if $(filter 1,$(SANITIZE)),-san)
ifeq ($(ABI),ia32)
BUILD ?= build/ia32$(SANDIR)
ABI_CPPFLAGS := -DVCPUCTX_ABI_IA32
else ifeq ($(ABI),x86_64)
BUILD ?= build$(if $(SANDIR),/x86_64$(SANDIR))
ABI_CPPFLAGS :=
else
$(error ABI must be x86_64 or ia32, not '$(ABI)')
endif

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

CC ?= cc
AS := as
LD := ld
OBJCOPY := objcopy
OBJDUMP := objdump
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef \
        -Wpointer-arith -Wcast-qual -Wvla
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -fPIC -pthread
LDFLAGS += -pthread
CPPFLAGS += -Iinclude $(ABI_CPPFLAGS) -MMD -MP
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRCS := $(wildcard src/lib/*.c)
DEV_SRCS := $(wildcard src/devices/*.c)
DEV_OBJS := $(DEV_SRCS:src/%.c=$(BUILD)/obj/%.o)
DEV_A := $(BUILD)/libdevices.a
GDB_SRCS := $(wildcard src/gdb/*.c)
GDB_OBJS := $(GDB_SRCS:src/%.c=$(BUILD)/obj/%.o)
GDB_A := $(BUILD)/libgdb.a
RUN_SRCS := $(wildcard src/run/*.c)
RUN_OBJS := $(RUN_SRCS:src/%.c=$(BUILD)/obj/%.o)
RUN_BIN := $(BUILD)/vcpuctx-run
RUN_A := $(BUILD)/librun.a
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
# libsel4vmmplatsupport's layer (the PCI space, port lists): in the same libraries, on the public API alone.
PLAT_SRCS := $(wildcard src/vmmplat/*.c)
PLAT_OBJS := $(PLAT_SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_A := $(BUILD)/libvcpuctx.a
LIB_INTERNAL_A := $(BUILD)/libvcpuctx-internal.a
LIB_SO := $(BUILD)/libvcpuctx.so
LIB_SONAME := libvcpuctx.so.$(SOVERSION)

GUEST_SRCS := $(wildcard tests/guests/*.S)
GUEST_BINS := $(GUEST_SRCS:tests/guests/%.S=$(BUILD)/tests/guests/%.bin)
GUEST_LABELS := $(BUILD)/tests/guests/guest_labels.h

UNIT_SRCS := $(wildcard tests/unit/*.c)
INTEG_SRCS := $(wildcard tests/integration/*.c)
CONF_SRCS := $(wildcard tests/conformance/*.c)
CONF_BIN := $(BUILD)/tests/conformance-tests
UNIT_BIN := $(BUILD)/tests/unit-tests
INTEG_BIN := $(BUILD)/tests/integration-tests
TEST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -DGUEST_DIR='"$(abspath $(BUILD))/tests/guests"' \
              -DSRCDIR='"$(CURDIR)"' -DFIELD_TABLE='"$(abspath $(BUILD))/field-table"' \
              -DRUN_BIN='"$(abspath $(RUN_BIN))"' -DDEMO_GUEST_DIR='"$(CURDIR)/build/guest"' \
              -DBUILD_DIR='"$(abspath $(BUILD))"'
TEST_LIBS := -lcriterion

.PHONY: check-cycles bench-linux bench-virtio examples run-examples tier-build tier-amd tier-intel tiers all lib run guests demo-guests bench fuzz fuzz-run hostile valgrind test-robust tests test test-abi test-install deps install clean format format-check demo field-table
all: lib run demo-guests $(if $(filter ia32,$(ABI)),,microkit)
lib: $(LIB_A) $(LIB_SO)
run: $(RUN_BIN)

$(BUILD)/obj/%.o: src/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(DEV_A): $(DEV_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The GDB stub: a module on the public API alone (the integration tests link it against the shared library).
$(GDB_A): $(GDB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The demo's parts other than main, for its unit tests.
$(RUN_A): $(filter-out %/main.o,$(RUN_OBJS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The demo links the static library: one self-contained binary.
$(RUN_BIN): $(BUILD)/obj/run/main.o $(RUN_A) $(GDB_A) $(DEV_A) $(LIB_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# The library is sealed: its own names are hidden (internal.h keeps the public headers' default), and the archive
# holds one relocatable object with them localised, so a program's own kvm_vcpu_run or state_regs cannot clash.
$(LIB_OBJS): CFLAGS += -fvisibility=hidden
$(LIB_OBJS): CPPFLAGS += -Isrc/lib
$(BUILD)/obj/libvcpuctx.o: $(LIB_OBJS) $(PLAT_OBJS)
	$(call msg,LD,$@)
	$(Q)$(LD) -r -o $@.tmp $^ && $(OBJCOPY) --localize-hidden $@.tmp $@ && rm -f $@.tmp

$(LIB_A): $(BUILD)/obj/libvcpuctx.o
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The unsealed objects, for the unit tests of internal parts (the decoder, the access-rights conversion).
$(LIB_INTERNAL_A): $(LIB_OBJS) $(PLAT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_OBJS) $(PLAT_OBJS) src/lib/libvcpuctx.map
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--version-script=src/lib/libvcpuctx.map $(LDFLAGS) \
		-o $@.$(VERSION) $(LIB_OBJS) $(PLAT_OBJS)
	$(Q)ln -sf libvcpuctx.so.$(VERSION) $(BUILD)/$(LIB_SONAME)
	$(Q)ln -sf libvcpuctx.so.$(VERSION) $@

# Test guests: linked at 0x1000 to ELF (GNU as, ld), then flat binaries (objcopy); their labels become
# AT_<GUEST>_<LABEL> constants in guest_labels.h, so the tests name addresses instead of writing them.
$(BUILD)/tests/guests/%.elf: tests/guests/%.S
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --64 -o $(@:.elf=.o) $<
	$(Q)$(LD) -m elf_x86_64 -Ttext=0x1000 -o $@ $(@:.elf=.o)
$(BUILD)/tests/guests/%.bin: $(BUILD)/tests/guests/%.elf
	$(Q)$(OBJCOPY) -O binary -j .text $< $@
$(GUEST_LABELS): $(GUEST_BINS:.bin=.elf) scripts/guest-labels.sh
	$(call msg,GEN,$@)
	$(Q)scripts/guest-labels.sh $(GUEST_BINS:.bin=.elf) >$@.tmp && mv $@.tmp $@
guests: $(GUEST_BINS) $(GUEST_LABELS)

# Examples: small VMMs as a seL4 author writes them. Each vmm.c uses the upstream-named headers alone: it is
# compiled with vcpuctx.h's include guard defined, so any vcpuctx_* name in it fails the build; its main.c is
# the Linux side (seL4's vm_init does that part there). Built with seL4's configuration macros for the ABI.
EXAMPLES := $(filter-out common microkit,$(notdir $(wildcard examples/*)))
# What the examples share (examples/common): real_mode.c on upstream's headers alone, start.c the Linux side.
EXAMPLE_COMMON := $(BUILD)/examples/common/real_mode.o $(BUILD)/examples/common/start.o
$(BUILD)/examples/common/real_mode.o: examples/common/real_mode.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude $(SEL4_CONFIG) -DVCPUCTX_H -MMD -MP $(CFLAGS) -c $< -o $@
$(BUILD)/examples/common/start.o: examples/common/start.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude $(SEL4_CONFIG) -MMD -MP $(CFLAGS) -c $< -o $@
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%/vmm) $(EXAMPLES:%=$(BUILD)/examples/%/guest.bin)
SEL4_CONFIG := $(if $(filter ia32,$(ABI)),-DCONFIG_ARCH_IA32,-DCONFIG_ARCH_X86_64 -DCONFIG_X86_64_VTX_64BIT_GUESTS)
$(BUILD)/examples/%/vmm.o: examples/%/vmm.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude $(SEL4_CONFIG) -DVCPUCTX_H -MMD -MP $(CFLAGS) -c $< -o $@
$(BUILD)/examples/%/main.o: examples/%/main.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude $(SEL4_CONFIG) -MMD -MP $(CFLAGS) -c $< -o $@
$(BUILD)/examples/%/vmm: $(BUILD)/examples/%/vmm.o $(BUILD)/examples/%/main.o $(EXAMPLE_COMMON) $(LIB_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/examples/%/guest.bin: examples/%/guest.S
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --32 -o $(@:.bin=.o) $<
	$(Q)$(LD) -m elf_i386 -Ttext=0x1000 -o $(@:.bin=.elf) $(@:.bin=.o)
	$(Q)$(OBJCOPY) -O binary -j .text $(@:.bin=.elf) $@
examples: $(EXAMPLE_BINS)
.SECONDARY: $(EXAMPLES:%=$(BUILD)/examples/%/vmm.o) $(EXAMPLES:%=$(BUILD)/examples/%/main.o)
# Run each: status 0 is a pass, 77 a skip (no /dev/kvm), anything else a failure.
run-examples: examples
	$(Q)for e in $(EXAMPLES); do \
		$(BUILD)/examples/$$e/vmm $(BUILD)/examples/$$e/guest.bin; rc=$$?; \
		if [ $$rc = 77 ]; then echo "example $$e: skipped, no /dev/kvm"; \
		elif [ $$rc != 0 ]; then echo "example $$e: FAILED (status $$rc)"; exit 1; fi; \
	done

include src/microkit/microkit.mk

# Demo guests: BIOS ROMs (64 KiB, linked at offset 0 of segment F000) and a multiboot ELF32.
ROM_SRCS := $(filter-out guest/%-mb.S guest/%-linux.S guest/disk.S guest/debug64.S guest/intact64.S,$(wildcard guest/*.S))
MB_SRCS := $(wildcard guest/*-mb.S)
LINUX_SRCS := $(wildcard guest/*-linux.S)
GUESTS := $(ROM_SRCS:guest/%.S=build/guest/%.rom) $(MB_SRCS:guest/%.S=build/guest/%.elf) \
          $(LINUX_SRCS:guest/%.S=build/guest/%.bzImage) \
          build/guest/debug64.bin build/guest/debug64.sym build/guest/intact64.bin
# bzImages: a setup header at its offsets, the 64-bit kernel after it (linked at 0, position-independent code).
build/guest/%-linux.bzImage: guest/%-linux.S guest/io.inc
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --64 -Iguest -o $(@:.bzImage=.o) $<
	$(Q)$(LD) -m elf_x86_64 -Ttext=0 -o $(@:.bzImage=.elf) $(@:.bzImage=.o)
	$(Q)$(OBJCOPY) -O binary -j .text $(@:.bzImage=.elf) $@
build/guest/%.rom: guest/%.S guest/io.inc guest/boot.inc guest/rom.inc
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --32 -Iguest -o $(@:.rom=.o) $<
	$(Q)$(LD) -m elf_i386 -Ttext=0 --oformat binary -o $@ $(@:.rom=.o)
	$(Q)test $$(stat -c %s $@) -eq 65536 || { echo "$@: not 64 KiB" >&2; rm -f $@; exit 1; }

# Multiboot kernels link at 1 MiB; the intact-* guests as one segment (-N) over the RAM they are to cover.
MB_LD_intact-low := -N --no-warn-rwx-segments -Ttext=0x8000
MB_LD_intact-all := -N --no-warn-rwx-segments -Ttext=0x1000
# Nothing loaded below 1 MiB (the default layout loads its ELF header at 0xff000): SeaBIOS's code there must
# survive for QEMU's resume from S3.
MB_LD_sleep := -N --no-warn-rwx-segments -Ttext=0x100000
build/guest/%-mb.elf: guest/%-mb.S guest/io.inc guest/debug.inc guest/mb.inc guest/intact.inc guest/selfcheck.inc guest/pci.inc
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --32 -Iguest -o $(@:.elf=.o) $<
	$(Q)$(LD) -m elf_i386 $(or $(MB_LD_$*),-Ttext=0x100000 -z noseparate-code) -e _start -o $@ $(@:.elf=.o)
# A raw 64-bit image that fills the top 64 KiB of a 4 MiB machine (--load=0x3f0000 --entry-mode=long -m 4M).
build/guest/intact64.bin: guest/intact64.S guest/io.inc guest/selfcheck.inc
	$(call msg,GUEST,$@)
	$(Q)$(AS) --64 -Iguest -o $(@:.bin=.o) $<
	$(Q)$(LD) -m elf_x86_64 -Ttext=0x3f0000 -e _start --oformat binary -o $@ $(@:.bin=.o)
	$(Q)test $$(stat -c %s $@) -eq 65536 || { echo "$@: not 64 KiB" >&2; rm -f $@; exit 1; }
# The 64-bit debugging guest: a raw image for --entry-mode=long and its symbols for gdb (same addresses).
build/guest/debug64.sym: guest/debug64.S guest/io.inc guest/debug.inc
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --64 -Iguest -o $(@:.sym=.o) $<
	$(Q)$(LD) -m elf_x86_64 -N --no-warn-rwx-segments -Ttext=0x100000 -e _start -o $@ $(@:.sym=.o)
build/guest/debug64.bin: build/guest/debug64.sym
	$(call msg,GUEST,$@)
	$(Q)objcopy -O binary $< $@
HOSTILE := $(patsubst guest/hostile/%.S,build/guest/hostile/%.bin,$(wildcard guest/hostile/*.S))
build/guest/hostile/%.bin: guest/hostile/%.S
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --64 -o $(@:.bin=.o) $<
	$(Q)$(LD) -m elf_x86_64 -Ttext=0x7c00 -e 0x7c00 --oformat binary -o $@ $(@:.bin=.o)
# A bootable disk: boot sector plus two sectors, padded to 1 MiB (2 cylinders of 16 heads x 63 sectors).
build/guest/disk.img: guest/disk.S guest/io.inc
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --32 -Iguest -o $(@:.img=.o) $<
	$(Q)$(LD) -m elf_i386 -Ttext=0x7c00 -e 0x7c00 --oformat binary -o $@ $(@:.img=.o)
	$(Q)truncate -s 1M $@
demo-guests: $(GUESTS) $(HOSTILE) build/guest/disk.img

$(BUILD)/hostile-gen: scripts/hostile-gen.c
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# valgrind memcheck of vcpuctx-run over every demo guest: no errors, no leaks, the guest's own status (valgrind
# says errors with 98, a status no guest and no vcpuctx-run ending has: guests exit with odd ones).
VALGRIND := valgrind -q --error-exitcode=98 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
valgrind: run demo-guests
	$(Q)[ -e /dev/kvm ] || { echo "valgrind: skipped: /dev/kvm does not exist on this machine"; exit 0; }; \
	for g in build/guest/*.rom build/guest/*.elf; do \
		$(VALGRIND) $(RUN_BIN) --debugcon=none --serial=none --timeout=60 $$g 2>$(BUILD)/valgrind.log; s=$$?; \
		if [ $$s -eq 98 ] || grep -q "==[0-9]*==" $(BUILD)/valgrind.log; then \
			cat $(BUILD)/valgrind.log; echo "valgrind: $$g: errors or leaks"; exit 1; fi; \
		echo "valgrind: $$g: clean (guest status $$s)"; \
	done

# Benchmarks: cost over raw KVM and start-up next to QEMU (scripts/bench.c); table on stdout, build/bench.json.
$(BUILD)/bench: scripts/bench.c scripts/bench_exits.c scripts/bench.h $(LIB_A)
	$(call msg,CC,$@)
	$(Q)$(CC) -Iinclude $(ABI_CPPFLAGS) $(CFLAGS) -Wno-cast-qual -o $@ $(filter %.c,$^) $(LIB_A)

$(BUILD)/bench-boot: scripts/bench-boot.c
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 $(WARN) -O2 -o $@ $<
bench: deps all $(BUILD)/bench
	$(Q)$(BUILD)/bench $(RUN_BIN) build/guest/hello.rom $(BUILD)/bench.json
	$(Q)scripts/bench-insns.sh $(BUILD)/bench $(BUILD)/bench.json
	$(Q)scripts/bench-hosts.sh $(BUILD)
	$(Q)$(MAKE) --no-print-directory bench-linux
	$(Q)$(MAKE) --no-print-directory bench-virtio
# Debian's kernel under vcpuctx-run and under QEMU -accel kvm, side by side in the AMD-V tier (scripts/bench-linux.sh);
# the summary is made here, from whatever runs finished.
bench-linux: $(BUILD)/bench-boot build/linux/initramfs.cpio
	$(Q)scripts/hwtier.sh amd --timeout=480 $(addprefix --with=,$(CURDIR)/build/vcpuctx-run $(wildcard \
		$(CURDIR)/build/libvcpuctx.so*) $(CURDIR)/build/bench-boot $(CURDIR)/build/linux $(CURDIR)/scripts \
		$(TIER_KERNEL) /usr/bin/qemu-system-x86_64 /usr/bin/timeout /usr/share/qemu /usr/share/seabios) \
		'scripts/bench-linux.sh run build' 2>&1 | grep -a '^bench-linux\|^hwtier' | tee $(BUILD)/bench-linux.txt || true
	$(Q)scripts/bench-linux.sh summary $(BUILD)/bench-linux.txt | tee -a $(BUILD)/bench-linux.txt
# The virtio devices under vcpuctx-run and under QEMU's virtio-blk-pci and virtio-net-pci, side by side in the AMD-V
# tier (scripts/bench-virtio.sh): disk MB/s, ping, network MB/s.
bench-virtio: build/linux/virtio-root.img
	$(Q)scripts/hwtier.sh amd --timeout=900 $(addprefix --with=,$(CURDIR)/build/vcpuctx-run $(wildcard \
		$(CURDIR)/build/libvcpuctx.so*) $(CURDIR)/build/linux $(CURDIR)/scripts $(TIER_KERNEL) $(TIER_TOOLS) \
		/usr/bin/qemu-system-x86_64 /usr/bin/timeout /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu) \
		'scripts/bench-virtio.sh run build' 2>&1 | grep -a '^bench-virtio\|^hwtier' | tee $(BUILD)/bench-virtio.txt || true
	$(Q)scripts/bench-virtio.sh summary $(BUILD)/bench-virtio.txt | tee -a $(BUILD)/bench-virtio.txt

# Random and targeted hostile guests (scripts/hostile-campaign.sh), with this build's vcpuctx-run.
HOSTILE_RUNS ?= 300
hostile: run demo-guests $(BUILD)/hostile-gen
	$(Q)scripts/hostile-campaign.sh $(HOSTILE_RUNS) $(BUILD)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -Isrc/lib -Isrc -Itests $(ABI_CPPFLAGS) -MMD -MP $(TEST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/tests/integration/%.o: tests/integration/%.c $(GUEST_LABELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -Itests -I$(BUILD)/tests/guests $(ABI_CPPFLAGS) -MMD -MP $(TEST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

SAN_FLAGS := $(if $(filter 1,$(SANITIZE)),-fsanitize=address -fsanitize=undefined -fno-omit-frame-pointer)

# The unit tests link the Microkit runtime's parts, not pd.o (a PD's main) nor vmenter.o (a PD's VM).
$(UNIT_BIN): $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.o) $(filter-out %/pd.o %/vmenter.o,$(MK_OBJS)) $(RUN_A) $(GDB_A) $(DEV_A) $(LIB_INTERNAL_A)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/tests/conformance/%.o: tests/conformance/%.c $(GUEST_LABELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -Itests -I$(BUILD)/tests/guests $(ABI_CPPFLAGS) -MMD -MP $(TEST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# The conformance suite runs vcpuctx-run and QEMU side by side on build/guest/*.
$(CONF_BIN): $(CONF_SRCS:tests/conformance/%.c=$(BUILD)/tests/conformance/%.o) $(LIB_SO)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -L$(BUILD) -lvcpuctx -Wl,-rpath,'$$ORIGIN/..' $(TEST_LIBS)

# Integration tests link the shared library, so they see exactly what it exports.
$(INTEG_BIN): $(INTEG_SRCS:tests/integration/%.c=$(BUILD)/tests/integration/%.o) $(GDB_A) $(LIB_SO)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(GDB_A) -L$(BUILD) -lvcpuctx -Wl,-rpath,'$$ORIGIN/..' $(TEST_LIBS)

# Where this host's KVM leaves RIP at each exit kind (bare ioctls): docs/hosts.md's host table, per tier.
$(BUILD)/exit-facts: scripts/exit-facts.c
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

FIELD_TABLE := $(BUILD)/field-table
$(FIELD_TABLE): scripts/field-table.c $(LIB_A)
	$(call msg,CC,$@)
	$(Q)$(CC) -Iinclude $(ABI_CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB_A)

# Print docs/api.md's VMCS field table (scripts/update-docs-table.sh puts it in place).
field-table: $(FIELD_TABLE)
	$(Q)$(FIELD_TABLE)

tests: lib run guests demo-guests examples $(if $(filter ia32,$(ABI)),,microkit) $(BUILD)/bench $(BUILD)/exit-facts $(UNIT_BIN) $(INTEG_BIN) $(CONF_BIN) $(FIELD_TABLE)

# Each layer's files call one way: no call cycle between the objects of the library, the demo, the stub, the devices.
check-cycles: $(LIB_OBJS) $(PLAT_OBJS) $(RUN_OBJS) $(GDB_OBJS) $(DEV_OBJS) $(MK_OBJS) $(MKL_OBJS)
	$(Q)scripts/call-cycles.sh --self-test && scripts/call-cycles.sh src/lib $(LIB_OBJS) && \
		scripts/call-cycles.sh src/vmmplat $(PLAT_OBJS) && scripts/call-cycles.sh src/run $(RUN_OBJS) && \
		scripts/call-cycles.sh src/gdb $(GDB_OBJS) && scripts/call-cycles.sh src/devices $(DEV_OBJS) \
		$(if $(MK_OBJS),&& scripts/call-cycles.sh src/microkit $(MK_OBJS) && scripts/call-cycles.sh src/mklaunch $(MKL_OBJS))

# Run both suites of this ABI; the integration suite again on the ioctl fallback (no SYNC_REGS).
test-abi: tests check-cycles
	$(Q)$(UNIT_BIN) --short-filename
	$(Q)$(CONF_BIN) --short-filename --verbose
	$(Q)$(INTEG_BIN) --short-filename --verbose
	$(Q)echo "integration suite without KVM_CAP_SYNC_REGS (VCPUCTX_NO_SYNC_REGS=1):"
	$(Q)VCPUCTX_NO_SYNC_REGS=1 $(INTEG_BIN) --short-filename
	$(Q)$(MAKE) --no-print-directory run-examples

# What CI runs: dependencies, every suite in both ABIs, the installed library, robustness, and the hardware-
# virtualization tiers (KVM over AMD-V and VT-x, nested in QEMU TCG and Bochs), side by side: one core each.
# Each stage is timed (scripts/stage.sh); the times are printed at the end, whether the run passed or failed.
STAGE_TIMES := $(abspath $(BUILD))/stage-times
stage = scripts/stage.sh $(STAGE_TIMES) "$(1)"
SUBMAKE := $(MAKE) --no-print-directory
TEST_STAGES := $(call stage,dependencies) scripts/install-deps.sh && \
	$(call stage,suites$(,) x86_64) $(SUBMAKE) test-abi ABI=x86_64 && \
	$(call stage,suites$(,) ia32) $(SUBMAKE) test-abi ABI=ia32
ifneq ($(SANITIZE),1)
TEST_STAGES += && $(call stage,install check) $(SUBMAKE) test-install && \
	$(call stage,upstream API check) scripts/upstream-api.sh check && \
	$(call stage,robustness (valgrind$(,) fuzz$(,) hostile)) $(SUBMAKE) test-robust && \
	$(call stage,tier diagnosis check) scripts/hwtier-diag.sh && \
	$(call stage,tiers$(,) side by side) $(SUBMAKE) -j2 tiers
else
TEST_STAGES += && $(call stage,hostile campaign) $(SUBMAKE) hostile
endif
test:
	$(Q)scripts/stage.sh --start $(STAGE_TIMES); $(TEST_STAGES); st=$$?; scripts/stage.sh --report $(STAGE_TIMES); exit $$st

# The hardware-virtualization tiers (scripts/hwtier.sh): Debian's kernel with kvm_amd under QEMU TCG and with
# kvm_intel under Bochs, the suites of scripts/tier-run.sh inside, both ABIs (built first), results on the console.
TIER_FILES := $(addprefix $(CURDIR)/,build/tests build/guest build/vcpuctx-run build/vcpuctx-microkit build/microkit build/field-table build/hostile-gen \
              build/exit-facts build/examples build/ia32/examples build/linux \
              build/bench $(wildcard build/libvcpuctx.so*) build/ia32/tests build/ia32/vcpuctx-run \
              build/ia32/field-table $(wildcard build/ia32/libvcpuctx.so*) README.md docs include scripts examples/microkit \
              tests/microkit) \
              /usr/share/seabios /usr/bin/setpriv /usr/bin/prlimit /usr/bin/env /usr/bin/iasl
TIER_GDB := /usr/bin/gdb /usr/share/gdb /usr/lib/python3.11
TIER_KERNEL := $(lastword $(sort $(wildcard /boot/vmlinuz-*))) # booted as a guest in the amd tier
TIER_NET_TOOLS := /usr/sbin/ip /usr/bin/unshare # a tap in a network namespace: the virtio and Microkit tests'
TIER_TOOLS := /usr/sbin/e2fsck /usr/sbin/debugfs $(TIER_NET_TOOLS) # the virtio tests' (amd tier)
# The initramfs Debian's kernel boots in the tiers (scripts/linux-boot.sh), from busybox-static.
build/linux/initramfs.cpio: scripts/linux-initramfs.sh
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)scripts/linux-initramfs.sh $@
# The virtio disk's initramfs and ext4 root (scripts/linux-virtio-images.sh), for the kernel the amd tier boots.
build/linux/virtio-root.img: scripts/linux-virtio-images.sh
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)scripts/linux-virtio-images.sh $(TIER_KERNEL) build/linux/virtio-initramfs.cpio $@
tier-build: build/linux/initramfs.cpio build/linux/virtio-root.img
	$(Q)$(MAKE) --no-print-directory tests $(BUILD)/hostile-gen ABI=x86_64
	$(Q)$(MAKE) --no-print-directory tests ABI=ia32
tier-amd: tier-build
	$(Q)$(call stage,amd tier (kvm_amd in QEMU TCG)) scripts/hwtier.sh amd --timeout=1200 $(addprefix --with=,$(TIER_FILES) $(TIER_GDB) $(TIER_KERNEL) $(TIER_TOOLS)) '$(or $(TIER_CMD),scripts/tier-run.sh amd)'
tier-intel: tier-build
	$(Q)$(call stage,intel tier (kvm_intel in Bochs)) scripts/hwtier.sh intel --timeout=2100 $(addprefix --with=,$(TIER_FILES) $(TIER_NET_TOOLS)) '$(or $(TIER_CMD),scripts/tier-run.sh intel)'
# Each tier's console comes out whole when it ends, so two running side by side do not interleave.
tiers: tier-amd tier-intel

# Robustness beyond the suites: valgrind, bounded fuzzing, the hostile-guest campaign.
test-robust: valgrind fuzz-run hostile

# Install into a staging tree and build a program against it through pkg-config only.
STAGE := $(abspath $(BUILD))/stage
test-install:
	$(Q)rm -rf $(STAGE)
	$(Q)$(MAKE) --no-print-directory -s install PREFIX=/usr DESTDIR=$(STAGE) >/dev/null
	$(Q)$(CC) scripts/field-table.c -o $(STAGE)/field-table \
		$$(PKG_CONFIG_PATH=$(STAGE)/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(STAGE) pkg-config --cflags --libs vcpuctx)
	$(Q)LD_LIBRARY_PATH=$(STAGE)/usr/lib $(STAGE)/field-table | grep -q VMX_GUEST_RIP
	$(Q)$(CC) tests/install/own_names.c -o $(STAGE)/own-names -I$(STAGE)/usr/include $(ABI_CPPFLAGS) \
		$(STAGE)/usr/lib/libvcpuctx.a $(LDFLAGS)
	$(Q)$(STAGE)/own-names | grep -q "own names"
	$(Q)re=$$(awk '/global:/ { on = 1; next } /local:/ { on = 0 } on { gsub(/[ ;]/, ""); gsub(/\*/, ".*"); \
		printf "%s^%s$$", sep, $$0; sep = "|" }' src/lib/libvcpuctx.map); \
		bad=$$(nm -g --defined-only $(STAGE)/usr/lib/libvcpuctx.a | awk -v re="$$re" 'NF == 3 && $$3 !~ re'); \
		bad="$$bad$$(nm -D --defined-only $(STAGE)/usr/lib/libvcpuctx.so | awk -v re="$$re" 'NF == 3 { sub(/@.*/, "", $$3) } NF == 3 && $$3 !~ re && $$3 != "VCPUCTX_0"')"; \
		test -z "$$bad" || { echo "install: the libraries export internal names:"; echo "$$bad"; exit 1; }
	$(Q)echo "install: headers, libraries and vcpuctx.pc build a working program; both export the public API alone (src/lib/libvcpuctx.map)"
	$(Q)abi() { $(CC) -I$(STAGE)/usr/include $$1 tests/install/abi.c -o $(STAGE)/abi 2>$(STAGE)/abi.err && $(STAGE)/abi; }; \
		test "$$(abi -DCONFIG_ARCH_IA32)" = "word 4 context 28" && \
		test "$$(abi '-DCONFIG_ARCH_X86_64 -DCONFIG_X86_64_VTX_64BIT_GUESTS')" = "word 8 context 120" && \
		test "$$(abi -DVCPUCTX_ABI_IA32)" = "word 4 context 28" && test "$$(abi '')" = "word 8 context 120" && \
		! abi -DCONFIG_ARCH_X86_64 >/dev/null && grep -q "define CONFIG_X86_64_VTX_64BIT_GUESTS too" $(STAGE)/abi.err && \
		! abi '-DCONFIG_ARCH_IA32 -DCONFIG_ARCH_X86_64' >/dev/null && grep -q "both defined" $(STAGE)/abi.err || \
		{ echo "install: the seL4 configuration macros do not select the ABI as documented"; exit 1; }
	$(Q)echo "install: CONFIG_ARCH_IA32 / CONFIG_ARCH_X86_64 + CONFIG_X86_64_VTX_64BIT_GUESTS select the ABI; VCPUCTX_ABI_IA32 too"
	$(Q)scripts/man-options.sh $(STAGE)/usr/bin/vcpuctx-run $(STAGE)/usr/share/man/man1/vcpuctx-run.1
	$(if $(MK_A),$(Q)$(CC) -I$(STAGE)/usr/include tests/microkit/pong.c -o $(STAGE)/pong.elf \
		$(STAGE)/usr/lib/libvcpuctx-microkit.a $(STAGE)/usr/lib/libvcpuctx.a $(LDFLAGS) && \
		printf '%s' '<system><protection_domain name="pong"><program_image path="pong.elf"/></protection_domain>' \
		'<protection_domain name="timer" priority="1"><program_image path="timer.elf"/></protection_domain></system>' \
		>$(STAGE)/pong.system && $(STAGE)/usr/bin/vcpuctx-microkit --search=$(STAGE) \
		--search=$(STAGE)/usr/lib/vcpuctx/microkit --timeout=1 $(STAGE)/pong.system 2>/dev/null; \
		test $$? = 124 || { echo "install: a PD built on the installed microkit.h and runtime did not run"; exit 1; }; \
		echo "install: a Microkit PD builds on the installed microkit.h and runtime and runs under vcpuctx-microkit" && \
		bad=$$(nm -g --defined-only $(STAGE)/usr/lib/libvcpuctx-microkit.a | awk 'NF == 3 && \
			$$3 !~ /^(main|protected|fault|__sel4_ipc_buffer|microkit_.*|seL4_.*|vcpuctx_mk_.*)$$/') && \
		test -z "$$bad" || { echo "install: the Microkit runtime exports names a PD may use:"; echo "$$bad"; exit 1; }; \
		echo '#include <vcpuctx_microkit.h>' | $(CC) -fsyntax-only -I$(STAGE)/usr/include -x c - && \
		test -x $(STAGE)/usr/lib/vcpuctx/microkit/blk.elf && test -x $(STAGE)/usr/lib/vcpuctx/microkit/net.elf && \
		echo "install: the runtime exports libmicrokit's names alone; the driver PDs and vcpuctx_microkit.h are installed" && \
		scripts/man-options.sh $(STAGE)/usr/bin/vcpuctx-microkit $(STAGE)/usr/share/man/man1/vcpuctx-microkit.1)

deps:
	$(Q)scripts/install-deps.sh

$(BUILD)/vcpuctx.pc: Makefile
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: vcpuctx' 'Description: seL4 libsel4vm x86 guest-context API on Linux KVM' \
		'Version: $(VERSION)' 'Libs: -L$${libdir} -lvcpuctx' \
		'Cflags: -I$${includedir} $(ABI_CPPFLAGS)' > $@

install: lib run $(BUILD)/vcpuctx.pc $(MK_A) $(MKL_BIN)
	install -d $(DESTDIR)$(PREFIX)/include/sel4 $(DESTDIR)$(PREFIX)/include/sel4vm/arch \
		$(DESTDIR)$(PREFIX)/include/sel4vmmplatsupport/drivers \
		$(DESTDIR)$(PREFIX)/include/sel4vmmplatsupport/arch/drivers \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(RUN_BIN) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/vcpuctx-run.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 include/vcpuctx.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/sel4/sel4.h include/sel4/config.h $(DESTDIR)$(PREFIX)/include/sel4/
	install -m 644 include/sel4vm/*.h $(DESTDIR)$(PREFIX)/include/sel4vm/
	install -m 644 include/sel4vm/arch/*.h $(DESTDIR)$(PREFIX)/include/sel4vm/arch/
	install -m 644 include/sel4vmmplatsupport/*.h $(DESTDIR)$(PREFIX)/include/sel4vmmplatsupport/
	install -m 644 include/sel4vmmplatsupport/drivers/*.h $(DESTDIR)$(PREFIX)/include/sel4vmmplatsupport/drivers/
	install -m 644 include/sel4vmmplatsupport/arch/*.h $(DESTDIR)$(PREFIX)/include/sel4vmmplatsupport/arch/
	install -m 644 include/sel4vmmplatsupport/arch/drivers/*.h \
		$(DESTDIR)$(PREFIX)/include/sel4vmmplatsupport/arch/drivers/
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO).$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libvcpuctx.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(LIB_SONAME)
	ln -sf libvcpuctx.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libvcpuctx.so
	install -m 644 $(BUILD)/vcpuctx.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	$(if $(MK_A),$(MAKE) --no-print-directory install-microkit)

# Fuzz targets: clang + libFuzzer with ASan and UBSan, over the library, devices and loader built alike.
FUZZ_DIR := build/fuzz
FUZZ_CC := clang
FUZZ_FLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -Iinclude -Isrc/lib -Isrc -pthread
FUZZ_TARGETS := devices loader api gdb options pci virtio sdf
FUZZ_KVM_TARGETS := loader api gdb # they run guests: skipped, with a line, where there is no /dev/kvm
FUZZ_TIME ?= 15
FUZZ_OBJS := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS) $(PLAT_SRCS) $(DEV_SRCS) $(GDB_SRCS) $(filter-out %/main.c,$(RUN_SRCS)))

$(FUZZ_DIR)/obj/%.o: src/%.c
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(call msg,CLANG,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^

# The description reader: the launcher's parts, libexpat, and the test systems' PD images to resolve against.
FUZZ_SDF_OBJS := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(filter-out %/main.c %/launch.c,$(wildcard src/mklaunch/*.c)))
$(FUZZ_DIR)/fuzz_sdf: tests/fuzz/fuzz_sdf.c $(FUZZ_SDF_OBJS) | $(MKT_PDS)
	$(call msg,CLANG,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -DFUZZ_PD_DIR='"$(abspath $(BUILD))/tests/microkit"' -fsanitize=fuzzer -o $@ \
		$< $(FUZZ_SDF_OBJS) -lexpat

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_SDF_OBJS)

# A bounded run of each target from its seed corpus (new inputs go to build/, the repo stays clean).
fuzz-run: fuzz
	$(Q)for t in $(FUZZ_TARGETS); do \
		if [ ! -e /dev/kvm ] && case " $(FUZZ_KVM_TARGETS) " in *" $$t "*) true ;; *) false ;; esac; then \
			echo "fuzz: $$t skipped: /dev/kvm does not exist on this machine"; continue; fi; \
		mkdir -p $(FUZZ_DIR)/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		$(FUZZ_DIR)/fuzz_$$t -seed=1 -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -close_fd_mask=1 -artifact_prefix=$(FUZZ_DIR)/ \
			$(FUZZ_DIR)/corpus-$$t tests/fuzz/corpus/$$t 2>$(FUZZ_DIR)/$$t.log \
			|| { tail -40 $(FUZZ_DIR)/$$t.log; exit 1; }; \
		grep -E "stat::number_of_executed_units|Done" $(FUZZ_DIR)/$$t.log | tr '\n' ' '; echo; \
	done

C_FILES = $(shell find src include tests scripts examples -name '*.[ch]')
format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run --Werror $(C_FILES)

# The first example: build everything, run hello.rom and pmode.rom (exit status 1 = the guest passed).
demo: all
	@echo "== build/vcpuctx-run --serial=none build/guest/hello.rom"
	@$(RUN_BIN) --serial=none build/guest/hello.rom; s=$$?; echo "== exit status $$s (1: the guest wrote 0 to isa-debug-exit: pass)"; test $$s -eq 1
	@echo "== build/vcpuctx-run --debugcon=none --stats build/guest/pmode.rom   (COM1 output this time)"
	@$(RUN_BIN) --debugcon=none --stats build/guest/pmode.rom; s=$$?; echo "== exit status $$s"; test $$s -eq 1

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
