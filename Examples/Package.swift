// swift-tools-version:6.0
// Small programs that use MILPKit as a downstream package does: through its products, by path.
// `scripts/examples.sh` (run by scripts/test.sh) builds and runs every one; each checks its own
// answers and exits 1 when one is wrong.
import PackageDescription

let milpKit = Target.Dependency.product(name: "MILPKit", package: "MILPKit")

let package = Package(
    name: "MILPKitExamples",
    platforms: [.macOS(.v13)],
    // Named, so that targets can refer to it whatever the checkout's folder is called.
    dependencies: [.package(name: "MILPKit", path: "..")],
    targets: [
        // Where the repository's bundled data is, and how an example fails.
        .target(name: "ExampleSupport"),
        .executableTarget(name: "QuickStart", dependencies: ["ExampleSupport", milpKit]),
        .executableTarget(name: "Rematerialization", dependencies: ["ExampleSupport", milpKit]),
        .executableTarget(name: "CoreShapes", dependencies: ["ExampleSupport", milpKit]),
        .executableTarget(name: "Synthesis", dependencies: ["ExampleSupport", milpKit]),
        .executableTarget(name: "LargeNeighborhoodSearch", dependencies: ["ExampleSupport", milpKit]),
        .executableTarget(name: "Cancellation", dependencies: ["ExampleSupport", milpKit]),
        .executableTarget(name: "InfeasibleModels", dependencies: ["ExampleSupport", milpKit]),
    ]
)
