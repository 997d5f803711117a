// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MILPKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MILPKit", targets: ["MILPKit"]),
        .library(name: "MILPFormats", targets: ["MILPFormats"]),
        .executable(name: "milp", targets: ["milp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Core: model storage, DSL, validation, solver protocol. Knows no solver.
        .target(name: "MILP"),

        // C libraries from Debian packages (coinor-libcbc-dev, coinor-libclp-dev, libglpk-dev).
        .systemLibrary(name: "CCbc", providers: [.apt(["coinor-libcbc-dev"])]),
        .systemLibrary(name: "CClp", providers: [.apt(["coinor-libclp-dev"])]),
        // CBC's C interface cannot stop a running solve: this C++ shim attaches event handlers that can.
        .target(name: "CCbcStop", linkerSettings: [
            .linkedLibrary("Cbc"), .linkedLibrary("OsiClp"), .linkedLibrary("Osi"), .linkedLibrary("Clp"), .linkedLibrary("CoinUtils"), .linkedLibrary("stdc++"),
        ]),
        // GLPK aborts on invalid calls: every GLPK call goes through this guarded C shim.
        .target(name: "CGlpkShim", linkerSettings: [.linkedLibrary("glpk")]),

        // Solver adapters: model -> one bulk load -> solve -> honest status.
        .target(name: "MILPCbc", dependencies: ["MILP", "CCbc", "CCbcStop"]),
        .target(name: "MILPClp", dependencies: ["MILP", "CClp"]),
        .target(name: "MILPGlpk", dependencies: ["MILP", "CGlpkShim"]),

        // File formats (MPS, LP, .sol).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "MILPFormats", dependencies: ["MILP", "CZlib"]),

        // Model generators (facility location, n-Queens) for the CLI, benchmarks and tests.
        .target(name: "MILPGenerators", dependencies: ["MILP"]),

        // Adaptive large neighborhood search over any MIP solver (issue 5).
        .target(name: "MILPLNS", dependencies: ["MILP"]),

        // Benchmarking: known optima, verification of results, the SQLite results store, the runner.
        .target(name: "MILPBench", dependencies: ["MILP", "MILPFormats", .product(name: "GRDB", package: "GRDB.swift")]),

        // Umbrella: re-exports everything and picks a solver automatically.
        .target(name: "MILPKit", dependencies: ["MILP", "MILPCbc", "MILPClp", "MILPGlpk", "MILPFormats", "MILPGenerators", "MILPBench", "MILPLNS"]),

        // LAPACK/BLAS (liblapack-dev) for the mode-n spectra, and Tucker core-shape selection (issue 7).
        .systemLibrary(name: "CLapack", providers: [.apt(["liblapack-dev"])]),
        .target(name: "MILPCoreShape", dependencies: ["MILP", "MILPCbc", "CLapack"]),

        // Tensor rematerialization: graphs, the Checkmate MILP, LP rounding, LNS, baselines, simulator (issue 6).
        .target(name: "MILPRemat", dependencies: ["MILP", "MILPCbc", "MILPGlpk", "MILPLNS", "MILPFormats"]),

        // NL -> MILP: formulation specs, template compiler, NL4Opt/algebraic readers, LLM client (issue 8).
        .target(name: "MILPSynth", dependencies: ["MILP", "MILPCbc", "MILPGlpk", "CCurlShim"]),
        // libcurl loaded with dlopen on first https:// request, so `milp` links nothing new (issue 8).
        .target(name: "CCurlShim"),

        // prctl() for the benchmark's child processes (variadic C, not callable from Swift).
        .target(name: "CProcessShim"),

        .executableTarget(
            name: "milp",
            dependencies: ["MILPKit", "MILPCoreShape", "MILPRemat", "MILPSynth", "CProcessShim", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "MILPTests", dependencies: ["MILP", "MILPFormats", "MILPGenerators"]),
        .testTarget(name: "SolverTests", dependencies: ["MILPKit"]),
        .testTarget(name: "BenchTests", dependencies: ["MILPBench"]),
        .testTarget(name: "LNSTests", dependencies: ["MILPKit"]),
        .testTarget(name: "RematTests", dependencies: ["MILPRemat"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SynthTests", dependencies: ["MILPSynth"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CoreShapeTests", dependencies: ["MILPCoreShape"], resources: [.copy("Fixtures")]),
        // Formats, bundled instances and the milp executable run as a real process.
        .testTarget(name: "FormatTests", dependencies: ["MILPKit", "milp"]),
    ]
)
