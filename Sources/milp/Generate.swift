import ArgumentParser
import Foundation
import MILPKit

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Build generated models with the DSL, report build time, and write or solve them.",
        discussion: """
        Distributions (learn2branch / Ecole recipes; defaults are the published sizes):
          setcover  --rows 500 --cols 1000 --density 0.05
          cauction  --items 100 --bids 500
          cfl       --customers 100 --facilities 100 --ratio 5
          indset    --nodes 500 --affinity 4
          knapsack  --items 100 --knapsacks 5 --tightness 0.5
        --seed S --count K -o DIR writes the instances of seeds S…S+K−1 as DIR/NAME.mps.gz; the same seed always gives a byte-identical file.

        Examples:
          milp generate setcover --seed 1 --count 100 -o setcover/
          milp generate cauction --items 200 --bids 1000 --count 100 -o ca/
          milp generate indset --seed 7 -o indset.mps.gz
          milp generate knapsack --items 10 --knapsacks 3 --solve
        Model-building benchmarks:
          milp generate cfl --clients 2000 --facilities 100 -o cfl.mps
          milp generate queens --n 1000
        """,
        subcommands: [SetCoverCommand.self, AuctionCommand.self, FacilityLocation.self, IndependentSetCommand.self,
                      KnapsackCommand.self, Queens.self]
    )
}

/// The first seed and how many instances to draw from a distribution.
struct DistributionOptions: ParsableArguments {
    @Option(help: "Random seed of the first instance (same seed, same instance).") var seed: UInt64 = 1

    @Option(help: "Number of instances, with seeds seed, seed+1, …; more than one needs -o DIR.") var count = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard seed <= UInt64.max - UInt64(count - 1) else { throw ValidationError("--seed + --count overflows a 64-bit seed") }
    }

    /// --count > 1 writes one file per instance, so it needs -o DIR.
    func validate(with common: GeneratedModelOptions) throws {
        if count > 1 && common.output == nil {
            throw ValidationError("--count \(count) writes one file per instance: give -o DIR")
        }
    }
}

/// Options shared by the generators: where to write, whether to solve, what to report.
struct GeneratedModelOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")],
            help: "Write the model: .mps, .mps.gz, .lp or .lp.gz. A directory (existing, or ending in /; required with --count > 1) receives NAME.mps.gz per instance.")
    var output: String?

    @Flag(help: "Hand the model to CBC (validate, lower, Cbc_loadProblem) without solving, and time it.")
    var handOff = false

    @Flag(help: "Hand the model to the solver and solve it.")
    var solve = false

    @Option(help: "Solver for --solve: cbc, glpk or clp (LP relaxation).")
    var solver = "cbc"

    @Option(help: "Time limit in seconds for --solve.")
    var timeLimit: Double?

    @Flag(help: "Print one JSON object instead of text (one per instance with --count).")
    var json = false

    /// Writes and/or solves `model`, printing build/write/solve figures.
    func run(_ model: Model, buildSeconds: Double) throws {
        var report: [(String, String)] = [
            ("model", model.name), ("columns", "\(model.variableCount)"), ("rows", "\(model.constraintCount)"),
            ("nonzeros", "\(model.nonzeroCount)"), ("build_seconds", formatNumber(buildSeconds)),
        ]
        var exit = ExitStatus.optimal
        if let output {
            let (_, seconds) = try timed { try ModelFile.write(model, to: output) }
            report += [("write_seconds", formatNumber(seconds)), ("file", output)]
        }
        if handOff {
            let seconds = try handOffSeconds(model)
            report += [("handoff_seconds", formatNumber(seconds)), ("build_plus_handoff_seconds", formatNumber(buildSeconds + seconds))]
        }
        if solve {
            let (entries, status) = try solveReport(model)
            report += entries
            exit = status
        }
        report.append(("peak_memory_mib", formatNumber(peakMemoryMiB())))
        print(render(report))
        if exit != .optimal { throw exit.exitCode }
    }

    /// Builds `count` instances with seeds `firstSeed`, `firstSeed + 1`, … and writes each to the
    /// output directory as NAME.mps.gz, one line per file. One instance behaves like `run(_:buildSeconds:)`
    /// (with -o a file, or a directory that receives NAME.mps.gz).
    func run(count: Int, firstSeed: UInt64, build: (UInt64) -> Model) throws {
        let manager = FileManager.default
        func isDirectory(_ path: String) -> Bool {
            var flag: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
        }
        if count == 1 {
            var (model, seconds) = timed { build(firstSeed) }
            var options = self
            if let output, output.hasSuffix("/") || isDirectory(output) {
                try manager.createDirectory(atPath: output, withIntermediateDirectories: true)
                model.name = Self.fileName(model.name, seed: firstSeed)
                options.output = (output as NSString).appendingPathComponent(model.name + ".mps.gz")
            }
            return try options.run(model, buildSeconds: seconds)
        }
        guard let directory = output else { throw ValidationError("--count \(count) writes one file per instance: give -o DIR") }
        if manager.fileExists(atPath: directory) && !isDirectory(directory) {
            throw ValidationError("-o \(directory) is a file; --count \(count) needs a directory")
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let start = ContinuousClock.now
        var buildTotal = 0.0, writeTotal = 0.0
        var worst = ExitStatus.optimal
        for offset in 0..<count {
            let seed = firstSeed + UInt64(offset)
            var (model, buildSeconds) = timed { build(seed) }
            model.name = Self.fileName(model.name, seed: seed)
            let path = (directory as NSString).appendingPathComponent(model.name + ".mps.gz")
            let (_, writeSeconds) = try timed { try ModelFile.write(model, to: path) }
            buildTotal += buildSeconds
            writeTotal += writeSeconds
            var report: [(String, String)] = [
                ("file", path), ("rows", "\(model.constraintCount)"), ("columns", "\(model.variableCount)"),
                ("nonzeros", "\(model.nonzeroCount)"), ("build_seconds", formatNumber(buildSeconds)),
                ("write_seconds", formatNumber(writeSeconds)),
            ]
            var line = "\(path)  \(model.constraintCount) rows  \(model.variableCount) cols  \(model.nonzeroCount) nnz"
                + "  build \(formatNumber(buildSeconds)) s  write \(formatNumber(writeSeconds)) s"
            if handOff {
                let seconds = try handOffSeconds(model)
                report.append(("handoff_seconds", formatNumber(seconds)))
                line += "  hand-off \(formatNumber(seconds)) s"
            }
            if solve {
                let (entries, status) = try solveReport(model)
                report += entries
                let value = Dictionary(entries, uniquingKeysWith: { a, _ in a })
                line += "  \(value["solver"]!) \(value["status"]!) \(value["objective"]!) in \(value["solve_seconds"]!) s"
                if worst == .optimal { worst = status }
            }
            print(json ? render(report) : line)
        }
        let total = (ContinuousClock.now - start).seconds
        if !json {
            print("\(count) instances in \(directory): \(formatNumber(total)) s (build \(formatNumber(buildTotal)) s, write \(formatNumber(writeTotal)) s)")
        }
        if worst != .optimal { throw worst.exitCode }
    }

    /// The model name that identifies the instance: generator names end in `_s<seed>`; others get it.
    static func fileName(_ name: String, seed: UInt64) -> String {
        name.hasSuffix("_s\(seed)") ? name : "\(name)_s\(seed)"
    }

    private func handOffSeconds(_ model: Model) throws -> Double {
        let (loaded, seconds) = try timed { try CbcSolver().load(model) }
        guard loaded.nonzeros == model.nonzeroCount, loaded.columns == model.variableCount else {
            throw ValidationError("CBC received \(loaded.columns) columns and \(loaded.nonzeros) nonzeros, expected \(model.variableCount) and \(model.nonzeroCount)")
        }
        return seconds
    }

    private func solveReport(_ model: Model) throws -> ([(String, String)], ExitStatus) {
        guard let solver = Solvers.named(self.solver) else {
            throw ValidationError("unknown solver \(self.solver); use cbc, glpk or clp")
        }
        var target = model
        if !solver.capabilities.contains(.integers) { target.relaxIntegrality() }
        let result = try solver.solve(target, options: SolveOptions(timeLimit: timeLimit))
        return ([("solver", solver.name), ("status", result.termination.rawValue),
                 ("objective", result.objective.map(formatNumber) ?? "none"),
                 ("solve_seconds", formatNumber(result.seconds))], ExitStatus(result))
    }

    private func render(_ report: [(String, String)]) -> String {
        if json {
            let body = report.map { key, value in
                let numeric = Double(value) != nil && !["model", "file", "solver", "status"].contains(key)
                return "\"\(key)\": " + (numeric ? value : "\"\(value)\"")
            }
            return "{" + body.joined(separator: ", ") + "}"
        }
        return report.map { key, value in "\(key.replacingOccurrences(of: "_", with: " ")): \(value)" }.joined(separator: "\n")
    }
}

struct SetCoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setcover",
        abstract: "Set cover (Balas & Ho; learn2branch/Ecole recipe): min Σ c_j x_j, every row covered.",
        discussion: """
        nnz = ⌊rows·cols·density⌋ ones; every column covers ≥ 2 rows, every row is covered by ≥ 1 column; costs uniform in 1…max-cost. Default 500 × 1000, density 0.05: 1,000 binaries, 500 rows, 25,000 nonzeros.

        Examples:
          milp generate setcover --seed 7 -o setcover.mps.gz
          milp generate setcover --rows 1000 --count 100 -o setcover/
          milp generate setcover --rows 8 --cols 12 --density 0.3 --solve
        """
    )

    @Option(help: "Rows (elements to cover).") var rows = 500
    @Option(help: "Columns (sets).") var cols = 1000
    @Option(help: "Density of the constraint matrix, in (0, 1].") var density = 0.05
    @Option(help: "Costs are uniform integers in 1…max-cost.") var maxCost = 100
    @OptionGroup var distribution: DistributionOptions
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        try distribution.validate(with: common)
        guard rows > 0, cols > 0 else { throw ValidationError("--rows and --cols must be positive") }
        guard density > 0, density <= 1 else { throw ValidationError("--density must be in (0, 1]") }
        guard maxCost >= 1 else { throw ValidationError("--max-cost must be at least 1") }
    }

    func run() throws {
        try common.run(count: distribution.count, firstSeed: distribution.seed) { seed in
            Generators.setCover(rows: rows, columns: cols, density: density, maxCost: maxCost, seed: seed)
        }
    }
}

struct AuctionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cauction",
        abstract: "Combinatorial auction (Leyton-Brown \"arbitrary\" bids; learn2branch/Ecole recipe): max revenue.",
        discussion: """
        One binary per bid, one ≤ 1 row per good (and per bidder with more than two bids, through a dummy good); maximize the accepted prices. Bundles grow by one more good with probability 0.7, drawn ∝ interest × compatibility; up to 5 substitute bids per bidder (budget 1.5×, resale 0.5×); price = Σ private values + |bundle|^1.2. Default 100 goods, 500 bids.

        Examples:
          milp generate cauction --seed 7 -o cauction.mps.gz
          milp generate cauction --items 200 --bids 1000 --count 100 -o ca/
          milp generate cauction --items 6 --bids 10 --solve --solver glpk
        """
    )

    @Option(help: "Goods for sale.") var items = 100
    @Option(help: "Bids (the instance has exactly this many binaries).") var bids = 500
    @Option(help: "Probability of adding another good to a bundle.") var addItemProbability = 0.7
    @Flag(help: "Round prices down to integers.") var integerPrices = false
    @OptionGroup var distribution: DistributionOptions
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        try distribution.validate(with: common)
        guard items > 0, bids > 0 else { throw ValidationError("--items and --bids must be positive") }
        guard addItemProbability >= 0, addItemProbability < 1 else { throw ValidationError("--add-item-probability must be in [0, 1)") }
    }

    func run() throws {
        var parameters = Generators.AuctionParameters(items: items, bids: bids)
        parameters.addItemProbability = addItemProbability
        parameters.integerPrices = integerPrices
        let defaults = parameters == Generators.AuctionParameters(items: items, bids: bids)
        try common.run(count: distribution.count, firstSeed: distribution.seed) { seed in
            let name = "cauction_\(items)i_\(bids)b" + (defaults ? "" : "_\(formatNumber(addItemProbability))p\(integerPrices ? "_int" : "")")
            return Generators.combinatorialAuction(Generators.auction(parameters, seed: seed), name: "\(name)_s\(seed)")
        }
    }
}

struct FacilityLocation: ParsableCommand {
    enum Recipe: String, ExpressibleByArgument, CaseIterable {
        case cornuejols, benchmark
    }

    static let configuration = CommandConfiguration(
        commandName: "cfl",
        abstract: "Capacitated facility location: the learn2branch/Ecole distribution, or the model-building benchmark.",
        discussion: """
        --recipe cornuejols (the default; --customers, --ratio), as learn2branch:
          min Σ t_ij x_ij + Σ f_j y_j  s.t.  Σ_j x_ij ≥ 1,  Σ_i d_i x_ij ≤ C_j y_j,
          Σ_j C_j y_j ≥ Σ_i d_i,  x_ij ≤ y_j,  0 ≤ x ≤ 1,  y binary.
          Demands 5…35; capacities scaled to ratio × total demand; fixed costs
          (100…110)·√s_j + (0…90); transport 10 · d_i · distance. 100 × 100,
          ratio 5: 10,100 columns, 10,201 rows, 40,200 nonzeros.
        --recipe benchmark (implied by --clients), the model-building benchmark:
          min Σ f_j y_j + Σ c_ij x_ij  s.t.  Σ_j x_ij = 1,  x_ij ≤ y_j,
          Σ_i d_i x_ij ≤ C_j y_j. 2000 clients × 100 facilities: 200,100
          columns, 202,100 rows, 800,100 nonzeros.

        Examples:
          milp generate cfl --ratio 5 --count 100 -o cfl/
          milp generate cfl --customers 200 --seed 3 -o cfl_200.mps.gz
          milp generate cfl --clients 2000 --facilities 100 --seed 1 -o cfl.mps
        """
    )

    @Option(help: "Which distribution: cornuejols (default) or benchmark (the default when --clients is given).")
    var recipe: Recipe?
    @Option(help: "Customers (cornuejols recipe; default 100).") var customers: Int?
    @Option(help: "Clients (benchmark recipe; default 2000).") var clients: Int?
    @Option(help: "Number of candidate facilities.") var facilities = 100
    @Option(help: "Total capacity / total demand (cornuejols recipe; default 5).") var ratio: Double?
    @Flag(help: "Benchmark recipe: give every variable and row a readable name (x[i,j], assign[i], …); the cornuejols model is always named.")
    var names = false
    @OptionGroup var distribution: DistributionOptions
    @OptionGroup var common: GeneratedModelOptions

    var resolvedRecipe: Recipe { recipe ?? (clients != nil ? .benchmark : .cornuejols) }

    func validate() throws {
        try distribution.validate(with: common)
        guard facilities > 0 else { throw ValidationError("--facilities must be positive") }
        switch resolvedRecipe {
        case .cornuejols:
            if clients != nil { throw ValidationError("--clients belongs to --recipe benchmark; use --customers") }
            guard customers ?? 1 > 0 else { throw ValidationError("--customers must be positive") }
            guard ratio ?? 1 > 0 else { throw ValidationError("--ratio must be positive") }
        case .benchmark:
            if customers != nil || ratio != nil { throw ValidationError("--customers and --ratio belong to --recipe cornuejols; use --clients") }
            guard clients ?? 1 > 0 else { throw ValidationError("--clients must be positive") }
        }
    }

    func run() throws {
        switch resolvedRecipe {
        case .cornuejols:
            let customers = self.customers ?? 100, ratio = self.ratio ?? 5
            try common.run(count: distribution.count, firstSeed: distribution.seed) { seed in
                Generators.capacitatedFacilityLocation(customers: customers, facilities: facilities, ratio: ratio, seed: seed)
            }
        case .benchmark:
            let clients = self.clients ?? 2000
            try common.run(count: distribution.count, firstSeed: distribution.seed) { seed in
                Generators.facilityLocation(clients: clients, facilities: facilities, seed: seed, names: names)
            }
        }
    }
}

struct IndependentSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indset",
        abstract: "Maximum independent set on a Barabási–Albert graph (learn2branch/Ecole recipe), clique formulation.",
        discussion: """
        Each new node attaches to `affinity` earlier nodes drawn ∝ degree. A greedy clique partition gives one Σ x ≤ 1 row per clique, plus x_u + x_v ≤ 1 for every edge outside those cliques. Default 500 nodes, affinity 4 (1,984 edges).

        Examples:
          milp generate indset --seed 7 -o indset.mps.gz
          milp generate indset --nodes 1000 --count 100 -o indset/
          milp generate indset --nodes 12 --affinity 2 --solve
        """
    )

    @Option(help: "Graph nodes.") var nodes = 500
    @Option(help: "Edges added per new node (Barabási–Albert m).") var affinity = 4
    @OptionGroup var distribution: DistributionOptions
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        try distribution.validate(with: common)
        guard affinity >= 1, affinity < nodes else { throw ValidationError("need 1 ≤ --affinity < --nodes") }
    }

    func run() throws {
        try common.run(count: distribution.count, firstSeed: distribution.seed) { seed in
            Generators.independentSet(nodes: nodes, affinity: affinity, seed: seed)
        }
    }
}

struct KnapsackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knapsack",
        abstract: "Multi-dimensional 0-1 knapsack (Chu & Beasley OR-Library recipe): max Σ p_j x_j, Σ_j w_ij x_j ≤ b_i.",
        discussion: """
        Weights uniform in 1…1000, capacities b_i = ⌊tightness · Σ_j w_ij⌋, profits correlated with the weights: p_j = ⌊Σ_i w_ij / m + 500 u_j⌋, u_j ~ U[0, 1). Default 100 items, 5 knapsacks, tightness 0.5.

        Examples:
          milp generate knapsack --seed 7 -o knapsack.mps.gz
          milp generate knapsack --items 250 --knapsacks 10 --count 30 -o mk/
          milp generate knapsack --items 10 --knapsacks 3 --solve
        """
    )

    @Option(help: "Items.") var items = 100
    @Option(help: "Knapsacks (capacity dimensions).") var knapsacks = 5
    @Option(help: "Capacity as a fraction of the total weight, in (0, 1].") var tightness = 0.5
    @OptionGroup var distribution: DistributionOptions
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        try distribution.validate(with: common)
        guard items > 0, knapsacks > 0 else { throw ValidationError("--items and --knapsacks must be positive") }
        guard tightness > 0, tightness <= 1 else { throw ValidationError("--tightness must be in (0, 1]") }
    }

    func run() throws {
        try common.run(count: distribution.count, firstSeed: distribution.seed) { seed in
            Generators.multiKnapsack(items: items, knapsacks: knapsacks, tightness: tightness, seed: seed)
        }
    }
}

struct Queens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queens",
        abstract: "n-Queens as a MILP: at most one queen per row, column and diagonal; maximize queens.",
        discussion: "n = 1000: 1,000,000 binaries, 5,994 rows, 4M nonzeros.\n\nExample: milp generate queens --n 1000"
    )

    @Option(help: "Board size.") var n = 8
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        guard n >= 2 else { throw ValidationError("--n must be at least 2") }
    }

    func run() throws {
        let (model, seconds) = timed { Generators.queens(n) }
        try common.run(model, buildSeconds: seconds)
    }
}
