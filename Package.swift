// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MILPKit",
    platforms: [.macOS(.v13)],
    products: [
        // Everything: the DSL, the solvers, formats, generators, LNS, benchmarking and the builders.
        .library(name: "MILPKit", targets: ["MILPKit"]),
        // The parts on their own: the core (DSL, Solver protocol) and what a package may name alone.
        .library(name: "MILP", targets: ["MILP"]),
        .library(name: "MILPCbc", targets: ["MILPCbc"]),
        .library(name: "MILPClp", targets: ["MILPClp"]),
        .library(name: "MILPGlpk", targets: ["MILPGlpk"]),
        .library(name: "MILPFormats", targets: ["MILPFormats"]),
        .library(name: "MILPGenerators", targets: ["MILPGenerators"]),
        .library(name: "MILPLNS", targets: ["MILPLNS"]),
        .library(name: "MILPIIS", targets: ["MILPIIS"]),
        .library(name: "MILPBench", targets: ["MILPBench"]),
        .library(name: "MILPRemat", targets: ["MILPRemat"]),
        .library(name: "MILPCoreShape", targets: ["MILPCoreShape"]),
        .library(name: "MILPSynth", targets: ["MILPSynth"]),
        .executable(name: "milp", targets: ["milp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // `swift package generate-documentation` for scripts/docs.sh (the DocC reference).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Core: model storage, DSL, validation, solver protocol. Knows no solver.
        .target(name: "MILP"),

        // C libraries from Debian packages (coinor-libcbc-dev, coinor-libclp-dev, libglpk-dev).
        .systemLibrary(name: "CCbc", providers: [.apt(["coinor-libcbc-dev"])]),
        .systemLibrary(name: "CClp", providers: [.apt(["coinor-libclp-dev"])]),
        // CBC's and CLP's C interfaces cannot stop a running solve: this C++ shim attaches event
        // handlers that can, and that report the search's progress.
        .target(name: "CCoinStop", linkerSettings: [
            .linkedLibrary("Cbc"), .linkedLibrary("OsiClp"), .linkedLibrary("Osi"), .linkedLibrary("Clp"), .linkedLibrary("CoinUtils"), .linkedLibrary("stdc++"),
        ]),
        // GLPK aborts on invalid calls: every GLPK call goes through this guarded C shim.
        .target(name: "CGlpkShim", linkerSettings: [.linkedLibrary("glpk")]),

        // Solver adapters: model -> one bulk load -> solve -> honest status.
        .target(name: "MILPCbc", dependencies: ["MILP", "CCbc", "CCoinStop"]),
        .target(name: "MILPClp", dependencies: ["MILP", "CClp", "CCoinStop"]),
        .target(name: "MILPGlpk", dependencies: ["MILP", "CGlpkShim"]),

        // File formats (MPS, LP, .sol).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "MILPFormats", dependencies: ["MILP", "CZlib"]),

        // Model generators (facility location, n-Queens) for the CLI, benchmarks and tests.
        .target(name: "MILPGenerators", dependencies: ["MILP"]),

        // Adaptive large neighborhood search over any MIP solver (issue 5).
        .target(name: "MILPLNS", dependencies: ["MILP"]),

        // Irreducible infeasible subsystems over any solver (issue 21).
        .target(name: "MILPIIS", dependencies: ["MILP"]),

        // Benchmarking: known optima, verification of results, the SQLite results store, the runner.
        .target(name: "MILPBench", dependencies: ["MILP", "MILPFormats", .product(name: "GRDB", package: "GRDB.swift")]),


        // LAPACK/BLAS (liblapack-dev) for the mode-n spectra, and Tucker core-shape selection (issue 7).
        .systemLibrary(name: "CLapack", providers: [.apt(["liblapack-dev"])]),
        .target(name: "MILPCoreShape", dependencies: ["MILP", "CLapack"]),

        // Tensor rematerialization: graphs, the Checkmate MILP, LP rounding, LNS, baselines, simulator (issue 6).
        .target(name: "MILPRemat", dependencies: ["MILP"]),

        // NL -> MILP: formulation specs, template compiler, NL4Opt/algebraic readers, LLM client (issue 8).
        .target(name: "MILPSynth", dependencies: ["MILP", "CCurlShim"]),
        // libcurl loaded with dlopen on first https:// request, so `milp` links nothing new (issue 8).
        .target(name: "CCurlShim"),

        // Umbrella: re-exports everything, picks a solver automatically, and gives the builders CBC
        // as their default solver. Builders know the core and the Solver protocol, never an adapter.
        .target(name: "MILPKit", dependencies: [
            "MILP", "MILPCbc", "MILPClp", "MILPGlpk", "MILPFormats", "MILPGenerators", "MILPBench", "MILPLNS", "MILPIIS",
            "MILPRemat", "MILPCoreShape", "MILPSynth",
        ]),

        // prctl() for the benchmark's child processes (variadic C, not callable from Swift).
        .target(name: "CProcessShim"),

        .executableTarget(
            name: "milp",
            dependencies: ["MILPKit", "CProcessShim", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "MILPTests", dependencies: ["MILP", "MILPFormats", "MILPGenerators"]),
        .testTarget(name: "SolverTests", dependencies: ["MILPKit"]),
        .testTarget(name: "BenchTests", dependencies: ["MILPBench"]),
        .testTarget(name: "LNSTests", dependencies: ["MILPKit"]),
        .testTarget(name: "RematTests", dependencies: ["MILPKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SynthTests", dependencies: ["MILPKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CoreShapeTests", dependencies: ["MILPKit"], resources: [.copy("Fixtures")]),
        // Formats, bundled instances and the milp executable run as a real process.
        .testTarget(name: "FormatTests", dependencies: ["MILPKit", "milp", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
