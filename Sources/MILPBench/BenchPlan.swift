import Foundation
import MILP
import MILPFormats

/// A solver and its settings as written on the command line: `cbc`, `glpk`,
/// `cbc:threads=1,gap=0.01`.
public struct SolverSpec: Sendable, Hashable, CustomStringConvertible {
    /// The solver's registered name.
    public var name: String
    /// Settings in the order given.
    public var settings: [(key: String, value: String)]

    /// Keys every solver spec accepts, mapped onto `SolveOptions`.
    public static let settingKeys = ["threads", "gap", "absgap", "nodes", "solutions", "log"]

    /// The spec in its written form, `name` or `name:key=value,…` (settings in the order given); it identifies the spec.
    public var description: String {
        settings.isEmpty ? name : name + ":" + settings.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Parses `name[:key=value,…]`; `knownSolvers` are the names that may appear.
    public init(parsing text: String, knownSolvers: [String]) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        name = String(parts[0]).lowercased()
        guard knownSolvers.contains(name) else {
            throw BenchError("unknown solver \"\(parts[0])\" in \"\(text)\"; known: \(knownSolvers.joined(separator: ", "))")
        }
        settings = []
        guard parts.count == 2 else { return }
        for item in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw BenchError("bad setting \"\(item)\" in \"\(text)\"; expected key=value, e.g. cbc:threads=1,gap=0.01")
            }
            let key = String(pair[0]).lowercased()
            guard Self.settingKeys.contains(key) else {
                throw BenchError("unknown setting \"\(pair[0])\" in \"\(text)\"; known: \(Self.settingKeys.joined(separator: ", "))")
            }
            guard Double(pair[1]) != nil else { throw BenchError("setting \(key) in \"\(text)\" needs a number, not \"\(pair[1])\"") }
            settings.append((key, String(pair[1])))
        }
    }

    /// The options for one run of this spec.
    public func options(timeLimit: Double, seed: Int) -> SolveOptions {
        var options = SolveOptions(timeLimit: timeLimit, seed: seed)
        for (key, value) in settings {
            let number = Double(value)!
            switch key {
            case "threads": options.threads = Int(number)
            case "gap": options.relativeGap = number
            case "absgap": options.absoluteGap = number
            case "nodes": options.nodeLimit = Int(number)
            case "solutions": options.solutionLimit = Int(number)
            case "log": options.logLevel = Int(number)
            default: break
            }
        }
        return options
    }

    /// Specs are equal when their written forms (``description``) are.
    public static func == (a: SolverSpec, b: SolverSpec) -> Bool { a.description == b.description }
    /// Hashes the written form (``description``).
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// One instance file of a benchmark.
public struct BenchInstance: Sendable, Hashable {
    /// The instance name: the file name without `.gz`, `.mps`, `.lp` (`ModelFile.instanceName(_:)`).
    public var name: String
    /// The file's path, as given or as found under a given folder or list.
    public var path: String
    /// FNV-1a 64 of the file's bytes, hex; with `+marker-binary` appended when the file is read
    /// with `MarkerIntegerBounds.binary` (another model from the same bytes).
    public var hash: String
    /// How MPS integer columns from MARKER lines without bounds are read.
    public var markerIntegerBounds: MarkerIntegerBounds = .nonnegative
}

/// One planned run.
public struct PlannedRun: Sendable, Hashable {
    /// The instance file to solve.
    public var instance: BenchInstance
    /// The solver and its settings.
    public var solver: SolverSpec
    /// The random seed (0, 1, … for the seeds of a batch).
    public var seed: Int
    /// The time limit, in seconds.
    public var timeLimit: Double

    /// The identity of the run, to skip runs already in the results database.
    public var key: RunKey { RunKey(instanceHash: instance.hash, solver: solver.description, seed: seed, timeLimit: timeLimit) }
}

/// Finding instance files and planning the runs of a benchmark batch.
public enum BenchPlan {
    static let modelSuffixes = [".mps", ".mps.gz", ".lp", ".lp.gz"]

    /// The instance files named by `inputs`: files, folders (searched recursively for .mps,
    /// .mps.gz, .lp, .lp.gz) and list files (`.txt`/`.list`: one path per line, `#` comments,
    /// relative paths taken from the list's folder). Sorted by path, duplicates removed; each
    /// read with `markerIntegerBounds`.
    public static func instances(_ inputs: [String], markerIntegerBounds: MarkerIntegerBounds = .nonnegative) throws -> [BenchInstance] {
        var paths: [String] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                throw BenchError("\(input): no such file or folder")
            }
            if isFolder.boolValue {
                let walker = FileManager.default.enumerator(atPath: input)
                while let relative = walker?.nextObject() as? String {
                    if modelSuffixes.contains(where: { relative.lowercased().hasSuffix($0) }) {
                        paths.append((input as NSString).appendingPathComponent(relative))
                    }
                }
            } else if input.hasSuffix(".txt") || input.hasSuffix(".list") {
                let folder = (input as NSString).deletingLastPathComponent
                let text = try String(contentsOfFile: input, encoding: .utf8)
                for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                    let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
                    if line.isEmpty { continue }
                    let path = line.hasPrefix("/") || folder.isEmpty ? line : (folder as NSString).appendingPathComponent(line)
                    guard FileManager.default.fileExists(atPath: path) else {
                        throw BenchError("\(input):\(number + 1): no such instance file \(path)")
                    }
                    paths.append(path)
                }
            } else {
                paths.append(input)
            }
        }
        var seen = Set<String>()
        return try paths.filter { seen.insert($0).inserted }.sorted().map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("\(path): cannot read") }
            let hash = fnv1a(data) + (markerIntegerBounds == .binary ? "+marker-binary" : "")
            return BenchInstance(name: ModelFile.instanceName(path), path: path, hash: hash, markerIntegerBounds: markerIntegerBounds)
        }
    }

    /// Every (instance, solver, seed) run, in a fixed order; with `shard` = (i, n) only the runs
    /// whose position p in that order has p mod n == i − 1.
    public static func runs(instances: [BenchInstance], solvers: [SolverSpec], seeds: Int, timeLimit: Double,
                            shard: (index: Int, count: Int)? = nil) -> [PlannedRun] {
        var all: [PlannedRun] = []
        for instance in instances {
            for solver in solvers {
                for seed in 0..<max(seeds, 1) {
                    all.append(PlannedRun(instance: instance, solver: solver, seed: seed, timeLimit: timeLimit))
                }
            }
        }
        guard let shard else { return all }
        return all.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element)
    }

    /// Parses `i/n` with 1 ≤ i ≤ n.
    public static func shard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
            throw BenchError("bad shard \"\(text)\"; expected i/n with 1 ≤ i ≤ n, e.g. 2/4")
        }
        return (i, n)
    }

    static func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
