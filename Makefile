# SPDX-License-Identifier: GPL-2.0-only
#
# harden_defaults: the module, its tool, and their tests.
#
#   make                 build the module for the running kernel
#   make KDIR=DIR        ... or for the kernel whose build tree is DIR
#   make vm              build, boot the newest test kernel in QEMU with the
#                        module loaded, show its dmesg and sysfs state
#   make vm SHELL_VM=1   ... and leave a shell inside the VM
#   make check           every test: static checks, unit tests, packaging,
#                        and the in-VM suite on every kernel of the matrix
#                        (x86_64 6.1, 6.12, 7, and arm64 6.1 cross-built)
#   make check KERNELS="6.1" TESTS="load" [ONLY=name]   a quick subset
#   make bench           the module's and the knobs' cost, as ratios
#   sudo make install    DKMS registration, tool, man page, config files
#   sudo make uninstall  remove all of it

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
KERNELS ?= 6.1 6.12 7 6.1-arm64
TESTS ?=
ONLY ?=

all: modules tools

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C tools clean
	rm -rf build

check:
	tests/check.sh -k "$(KERNELS)" $(if $(TESTS),-t "$(TESTS)") \
		$(if $(ONLY),-o "$(ONLY)")

# vm and bench keep their own defaults (the newest kernel; the x86_64
# ones) unless KERNELS is given.
vm:
	tests/vm.sh $(if $(SHELL_VM),--shell,--demo) \
		$(if $(filter file,$(origin KERNELS)),,-k "$(KERNELS)")

bench:
	tests/bench.sh $(if $(filter file,$(origin KERNELS)),,-k "$(KERNELS)")

install:
	packaging/install.sh install

uninstall:
	packaging/install.sh uninstall

.PHONY: all modules tools clean check vm bench install uninstall
