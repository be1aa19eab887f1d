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

$(MK_A): $(MK_OBJS) $(MK_DEV_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(MKL_BIN): $(MKL_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lexpat

# A PD: its objects, then the runtime and the library (one static binary per PD, as Microkit builds them).
MK_PD_LIBS := $(MK_A) $(LIB_A)

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
	$(Q)$(CC) $(MKX_CFLAGS) -c $< -o $@
$(MKT)/%.elf: $(MKT)/%.o $(MK_PD_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
.SECONDARY: $(MKT_PDS:.elf=.o) $(MKX_PDS:.elf=.o)

microkit: $(MK_A) $(MKL_BIN) $(MKX_PDS) $(MKX)/hello.system $(MKT_PDS)
.PHONY: microkit
endif
