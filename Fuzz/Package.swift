// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the readers of MILPKit's input formats, one executable per reader. Build
// and run them with scripts/fuzz.sh (docs/fuzzing.md): it builds with -sanitize=fuzzer,address
// (the only way these targets link: libFuzzer supplies the driver) and -parse-as-library.
let package = Package(
    name: "MILPKitFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "MILPKit", path: ".."),
    ],
    targets: [
        // MPS reader (MILPFormats): parse, one pass against two parts, write → read.
        .executableTarget(name: "FuzzMPS", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPFormats", package: "MILPKit")]),
        // LP reader (MILPFormats): parse, LP write → read, MPS write → read.
        .executableTarget(name: "FuzzLP", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPFormats", package: "MILPKit")]),
        // .sol reader (MILPFormats.SolutionFile) against a fixed model.
        .executableTarget(name: "FuzzSol", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPFormats", package: "MILPKit")]),
        // Remat graph JSON reader (MILPRemat.GraphReader).
        .executableTarget(name: "FuzzRematGraph", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPRemat", package: "MILPKit")]),
        // .npy reader (MILPCoreShape.DenseTensor.parseNpy).
        .executableTarget(name: "FuzzNpy", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPCoreShape", package: "MILPKit")]),
        // Formulation-spec JSON reader (MILPSynth.FormulationSpec(json:)).
        .executableTarget(name: "FuzzSpec", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPSynth", package: "MILPKit")]),
        // Algebraic text reader (MILPSynth.AlgebraicReader).
        .executableTarget(name: "FuzzAlgebraic", dependencies: ["FuzzEntry", "FuzzSupport", .product(name: "MILPSynth", package: "MILPKit")]),

        // What the targets share: the model comparison, line-ending variants.
        .target(name: "FuzzSupport", dependencies: [.product(name: "MILP", package: "MILPKit")]),
        // Every executable's entry point, in C: see entry.c.
        .target(name: "FuzzEntry"),
    ]
)
