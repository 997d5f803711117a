// swift-tools-version:6.0
import PackageDescription

// libFuzzer target for the MPS reader. Build and run with scripts/fuzz-mps.sh: it builds with
// -sanitize=fuzzer,address (the only way this target links: libFuzzer supplies the driver).
let package = Package(
    name: "MILPKitFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "MILPKit", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "FuzzMPS",
            dependencies: ["FuzzEntry", .product(name: "MILPFormats", package: "MILPKit")]
        ),
        // The executable's entry point, in C: see entry.c.
        .target(name: "FuzzEntry"),
    ]
)
