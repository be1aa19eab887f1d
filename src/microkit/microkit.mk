# microkit.mk (included by the Makefile): seL4 Microkit on Linux. libvcpuctx-microkit is the runtime a PD links
# (libmicrokit's part: main, the handler loop, the calls microkit.h makes, VMEnter over libvcpuctx);
# vcpuctx-microkit the launcher that reads a .system description (libexpat) and starts one process per PD.
# x86_64 only, as Microkit's x86 support; the ia32 build has neither.
ifneq ($(ABI),ia32)
MK_SRCS := $(wildcard src/microkit/*.c)
MK_OBJS := $(MK_SRCS:src/%.c=$(BUILD)/obj/%.o)
MK_A := $(BUILD)/libvcpuctx-microkit.a
MK_DEV_OBJS := $(addprefix $(BUILD)/obj/devices/,uart16550.o sink.o portdev.o)
MKL_SRCS := $(wildcard src/mklaunch/*.c)
MKL_OBJS := $(MKL_SRCS:src/%.c=$(BUILD)/obj/%.o)
MKL_BIN := $(BUILD)/vcpuctx-microkit
$(MK_OBJS) $(MKL_OBJS): CPPFLAGS += -Isrc

# The runtime is sealed into one object with the library, as the library is: a PD shares one link with it, and
# on seL4 a PD may give its functions any name (sDDF's x86 serial driver defines read and write). So only
# libmicrokit's names and the runtime's calls stay global (exports.txt), and the runtime's references to libc
# functions a PD may well define go to glibc's aliases or to sys.c instead (libc-names.txt).
MK_SYS_O := $(BUILD)/obj/microkit/sys.o
$(BUILD)/obj/microkit/runtime.o: $(MK_OBJS) $(MK_DEV_OBJS) $(BUILD)/obj/libvcpuctx.o src/microkit/exports.txt \
		src/microkit/libc-names.txt
	$(call msg,LD,$@)
	$(Q)$(LD) -r -o $@.1 $(filter-out $(MK_SYS_O),$(filter %.o,$^)) && \
		$(OBJCOPY) --redefine-syms=src/microkit/libc-names.txt $@.1 $@.2 && \
		$(LD) -r -o $@.3 $@.2 $(MK_SYS_O) && \
		$(OBJCOPY) --wildcard --keep-global-symbols=src/microkit/exports.txt $@.3 $@ && rm -f $@.1 $@.2 $@.3

$(MK_A): $(BUILD)/obj/microkit/runtime.o
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The board's disk and tap are opened (and checked) by the launcher, with vcpuctx-run's own code for them.
MKL_DEV_OBJS := $(addprefix $(BUILD)/obj/devices/,blkfile.o tap.o)
$(MKL_BIN): $(MKL_OBJS) $(MKL_DEV_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lexpat -lpthread

# A PD: its objects, then the runtime and the library (one static binary per PD, as Microkit builds them).
MK_PD_LIBS := $(MK_A) $(LIB_A)

# The board's driver PDs, on Linux (src/mkdrivers): where sDDF's drivers stand, speaking their protocols.
MKD := $(BUILD)/microkit
MKD_PDS := $(patsubst src/mkdrivers/%.c,$(MKD)/%.elf,$(wildcard src/mkdrivers/*.c))
$(MKD)/%.o: src/mkdrivers/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -MMD -MP $(CFLAGS) -c $< -o $@
$(MKD)/%.elf: $(MKD)/%.o $(MK_PD_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# The example system (examples/microkit): a VMM PD in libvmm's style, a serial driver PD and a passive PD it
# calls, each built against microkit.h alone (-DVCPUCTX_H: no vcpuctx_* name may appear), and a guest.
MKX := $(BUILD)/examples/microkit
MKX_PDS := $(MKX)/vmm.elf $(MKX)/serial.elf $(MKX)/checker.elf
MKX_CFLAGS := -Iinclude -DVCPUCTX_H -MMD -MP $(CFLAGS)
$(MKX)/%.o: examples/microkit/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(MKX_CFLAGS) -c $< -o $@
$(MKX)/guest.bin: examples/microkit/guest.S
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --32 -o $(@:.bin=.o) $<
	$(Q)$(LD) -m elf_i386 -Ttext=0x1000 -o $(@:.bin=.elf) $(@:.bin=.o)
	$(Q)$(OBJCOPY) -O binary -j .text $(@:.bin=.elf) $@
$(MKX)/guest_image.o: examples/microkit/guest_image.S $(MKX)/guest.bin
	$(call msg,AS,$@)
	$(Q)$(CC) -c -I$(MKX) -o $@ $<
$(MKX)/vmm.elf: $(MKX)/vmm.o $(MKX)/guest_image.o $(MK_PD_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
$(MKX)/%.elf: $(MKX)/%.o $(MK_PD_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
$(MKX)/hello.system: examples/microkit/hello.system
	$(Q)cp $< $@

# The test systems' PDs (tests/microkit), built the same way.
MKT := $(BUILD)/tests/microkit
MKT_PDS := $(patsubst tests/microkit/%.c,$(MKT)/%.elf,$(wildcard tests/microkit/*.c))
$(MKT)/%.o: tests/microkit/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Isrc $(MKX_CFLAGS) -c $< -o $@
$(MKT)/%.elf: $(MKT)/%.o $(MK_PD_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
# A test VMM with a guest: NAME-guest.S, packed into its image by NAME-image.S.
$(MKT)/%-guest.bin: tests/microkit/%-guest.S
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(AS) --32 -o $(@:.bin=.o) $<
	$(Q)$(LD) -m elf_i386 -Ttext=0x1000 -o $(@:.bin=.elf) $(@:.bin=.o)
	$(Q)$(OBJCOPY) -O binary -j .text $(@:.bin=.elf) $@
$(MKT)/%-image.o: tests/microkit/%-image.S $(MKT)/%-guest.bin
	$(call msg,AS,$@)
	$(Q)$(CC) -c -I$(MKT) -o $@ $<
$(MKT)/exits.elf: $(MKT)/exits.o $(MKT)/exits-image.o $(MK_PD_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
# A board driver configured for a test system: the driver's configuration sections (sDDF's .*_config and
# .device_resources) replaced by those of tests/microkit/config/NAME.c, as sDDF's tooling writes them.
MKT_DRIVERS := $(patsubst tests/microkit/config/%.c,$(MKT)/%-driver.elf,$(wildcard tests/microkit/config/*.c))
$(MKT)/config/%.o: tests/microkit/config/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Isrc $(MKX_CFLAGS) -c $< -o $@
MKT_CONFIG_SECTIONS = $(shell $(OBJDUMP) -h $(1) | awk '$$2 ~ /^\.([a-z_]+_config|device_resources)$$/ { print $$2 }')
$(MKT)/%-driver.elf: $(MKD)/%.elf $(MKT)/config/%.o
	$(call msg,PATCH,$@)
	$(Q)cp $< $@.tmp
	$(Q)set -e; for s in $(call MKT_CONFIG_SECTIONS,$(word 2,$^)); do \
		$(OBJCOPY) --dump-section $$s=$@.section $(word 2,$^); \
		$(OBJCOPY) --update-section $$s=$@.section $@.tmp; done; rm -f $@.section
	$(Q)mv $@.tmp $@
.SECONDARY: $(MKD_PDS:.elf=.o) $(MKT_PDS:.elf=.o) $(MKX_PDS:.elf=.o) $(MKT)/exits-guest.bin $(MKX)/guest.bin

microkit: $(MK_A) $(MKL_BIN) $(MKX_PDS) $(MKX)/hello.system $(MKT_PDS) $(MKD_PDS) $(MKT_DRIVERS)

# Installed beside the library: microkit.h and seL4's VMEnter header, the runtime, the launcher.
install-microkit: $(MK_A) $(MKL_BIN) $(MKD_PDS)
	install -d $(DESTDIR)$(PREFIX)/include/sel4/arch $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/microkit.h include/vcpuctx_microkit.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/sel4/arch/vmenter.h $(DESTDIR)$(PREFIX)/include/sel4/arch/
	install -m 644 $(MK_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(MKL_BIN) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/vcpuctx-microkit.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/lib/vcpuctx/microkit
	install -m 755 $(MKD_PDS) $(DESTDIR)$(PREFIX)/lib/vcpuctx/microkit/
.PHONY: microkit install-microkit
endif
