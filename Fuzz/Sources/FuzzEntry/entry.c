// SwiftPM links ELF executables with `--defsym main=<Module>_main` (its entry point renaming),
// and under -parse-as-library Swift emits no such symbol. This defines one for every fuzz target;
// each hands control to libFuzzer's driver with the target's Swift callback, so `main` is
// libFuzzer's as -sanitize=fuzzer expects. Every executable links all of them, and each defines
// its own LLVMFuzzerTestOneInput; only the one `main` names runs. A new target adds a line below.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  // in the target's Swift file

#define FUZZ_ENTRY(module) \
    int module##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_ENTRY(FuzzMPS)
FUZZ_ENTRY(FuzzLP)
FUZZ_ENTRY(FuzzSol)
FUZZ_ENTRY(FuzzRematGraph)
FUZZ_ENTRY(FuzzNpy)
FUZZ_ENTRY(FuzzSpec)
FUZZ_ENTRY(FuzzAlgebraic)
