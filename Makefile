# Thin wrapper over tools/install-deps.sh, the CMake presets and the chipsim binary.
# Quick start: `make run` and `make test` (see README.md).
# `make lint` runs clang-tidy over the whole tree (also part of `make test`: docs/development.md,
# "Static analysis").
# `make bench` measures speed and memory into docs/performance.md (tools/bench --help).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
RESULTS ?= results/h20-2025.h5

.PHONY: run test build deps lint asan tsan clean

deps:
	@tools/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build
	build/release/tools/chipsim run --force -o $(RESULTS)

# One stage: configure, build and test with the preset of the same name.
define stage
	cmake --preset $(1)
	cmake --build --preset $(1) -j $(JOBS)
	ctest --preset $(1) -j $(JOBS)
endef

# The release build's tests (with MPI's: docs/distributed.md), the tests under AddressSanitizer
# + UBSan, the tests labelled `parallel` under ThreadSanitizer, then clang-tidy over the whole
# tree with zero warnings (docs/development.md, "Sanitizers", "Static analysis").
test: deps
	$(call stage,ci)
	$(call stage,asan)
	$(call stage,tsan)

# clang-tidy over the whole tree (.clang-tidy; docs/development.md, "Static analysis")
lint: deps
	cmake --preset ci >/dev/null
	JOBS=$(JOBS) tools/lint build/ci

asan: deps
	$(call stage,asan)

tsan: deps
	$(call stage,tsan)

.PHONY: bench
bench: build
	tools/bench --no-build --sweep --mpi --write

clean:
	rm -rf build
