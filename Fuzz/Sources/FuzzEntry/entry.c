// SwiftPM links ELF executables with `--defsym main=<Module>_main` (its entry point renaming),
// and under -parse-as-library Swift emits no such symbol. This defines it and hands control to
// libFuzzer's driver with the Swift callback, so `main` is libFuzzer's as -sanitize=fuzzer expects.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  // FuzzMPS.swift

int FuzzMPS_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
