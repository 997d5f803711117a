import ArgumentParser
import Foundation
import MILPKit

struct CoreShape: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coreshape",
        abstract: "Choose Tucker core shapes (ranks) under parameter budgets by integer programming.",
        discussion: """
        Maximizes the retained energy Σ_n Σ_{j≤r_n} σ²_{n,j} (squared singular values of the mode-n unfoldings) subject to ∏ r_n + Σ I_n r_n ≤ budget (core plus factor matrices).
        Methods: ip (the paper's (1+ε) IP loop, then an exact refinement: the proven optimum), paper-ip (the (1+ε) loop alone), greedy (on σ²), greedy-param (σ² per parameter), brute.
        Input: a .npy tensor (float32/float64, little-endian, C or Fortran order), or a spectra .json ({"shape", "sigma2"}), for which no RRE can be computed. `seconds` is the time of this budget's shape selection plus the spectra (computed once); `rre` is the HOSVD relative squared error ‖X − X̂‖²/‖X‖², timed apart in `hosvd_seconds`.
        Example: milp coreshape lfw.npy --budget 5000,10000 --json
        """
    )

    @Argument(help: "The tensor (.npy) or spectra (.json) file.") var tensor: String
    @Option(help: "Parameter budgets, comma-separated.") var budget: String
    @Option(help: "The ε of the budget splits (1+ε)^k.") var epsilon: Double = 0.5
    @Option(help: "ip, paper-ip, greedy, greedy-param or brute.") var method: String = "ip"
    @OptionGroup var mipSolver: MIPSolverOption
    @Flag(help: "Skip the HOSVD evaluation (no rre).") var noRre = false
    @Flag(help: "Print one JSON object per budget, one per line.") var json = false

    func run() throws {
        let method = try namedCase(method, of: CoreShapeMethod.self, option: "method")
        var budgets: [Int] = []
        for part in budget.split(separator: ",") {
            guard let b = Int(part.trimmingCharacters(in: .whitespaces)), b > 0 else {
                printError("milp: bad budget '\(part)': budgets are positive integers")
                throw ExitStatus.badInput.exitCode
            }
            budgets.append(b)
        }
        guard !budgets.isEmpty else { printError("milp: no budget given"); throw ExitStatus.badInput.exitCode }
        guard epsilon > 0, epsilon.isFinite else { printError("milp: epsilon must be positive"); throw ExitStatus.badInput.exitCode }

        let start = Date()
        var data: DenseTensor?
        var eigen: ModeEigen?
        let spectra: ModeSpectra
        do {
            if tensor.lowercased().hasSuffix(".json") {
                spectra = try ModeSpectra.readJSON(path: tensor)
            } else {
                let t = try DenseTensor.readNpy(path: tensor)
                data = t
                if noRre {
                    spectra = ModeSpectra(tensor: t)
                } else {
                    let e = ModeEigen(tensor: t)
                    eigen = e
                    spectra = try ModeSpectra(shape: t.shape, sigma2: e.values, frobeniusNormSquared: t.frobeniusNormSquared)
                }
            }
        } catch {
            printError("milp: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        let spectraSeconds = Date().timeIntervalSince(start)
        let problem = CoreShapeProblem(spectra: spectra)
        if !json {
            print("tensor \(spectra.shape.map(String.init).joined(separator: "×"))  method \(method.rawValue)  spectra \(String(format: "%.3f", spectraSeconds)) s")
        }
        var failed = false
        for b in budgets {
            let t0 = Date()
            let choice: CoreShapeChoice
            let stats: CoreShapeStats
            do { (choice, stats) = try problem.solve(budget: b, method: method, epsilon: epsilon, solver: mipSolver.chosen) } catch let e as CoreShapeError {
                // One impossible budget does not stop the others; the exit status reports it.
                printError("milp: \(e)")
                failed = true
                continue
            }
            let solveSeconds = Date().timeIntervalSince(t0)
            var rre: Double?
            var hosvdSeconds: Double?
            if let data, !noRre {
                let t1 = Date()
                rre = try TruncatedHOSVD(tensor: data, shape: choice.shape, eigen: eigen).relativeSquaredError
                hosvdSeconds = Date().timeIntervalSince(t1)
            }
            if json {
                var o: [String: Any] = [
                    "budget": b, "method": method.rawValue, "solver": mipSolver.chosen.name, "shape": choice.shape, "params": choice.params,
                    "retained_energy": choice.retainedEnergy, "rre": jsonNumber(rre),
                    "seconds": spectraSeconds + solveSeconds, "solve_seconds": solveSeconds, "spectra_seconds": spectraSeconds,
                    "hosvd_seconds": jsonNumber(hosvdSeconds), "integer_programs": stats.integerPrograms,
                    "shapes_enumerated": stats.shapesEnumerated,
                ]
                if let p = stats.paperChoice { o["paper_shape"] = p.shape; o["paper_retained_energy"] = p.retainedEnergy }
                print(jsonText(o))
            } else {
                let r = rre.map { String(format: "%.6g", $0) } ?? "n/a"
                print("budget \(b): shape \(choice.shape.map(String.init).joined(separator: "×"))  params \(choice.params)  retained energy \(String(format: "%.10g", choice.retainedEnergy))  rre \(r)  \(String(format: "%.3f", solveSeconds)) s (\(stats.integerPrograms) IPs)")
            }
        }
        if failed { throw ExitStatus.badInput.exitCode }
    }
}
