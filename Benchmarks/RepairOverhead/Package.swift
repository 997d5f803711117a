// swift-tools-version:6.0
// The cost of handing an LNS repair to a solver (issue 23): the same sub-MIPs solved in-process,
// by a fresh child process per solve (MPS file), and by a persistent worker (binary frames).
// Run by Benchmarks/repair-overhead.sh in release mode.
import PackageDescription

let package = Package(
    name: "RepairOverhead",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "MILPKit", path: "../..")],
    targets: [
        .executableTarget(name: "repair-overhead", dependencies: [.product(name: "MILPKit", package: "MILPKit")]),
    ]
)
