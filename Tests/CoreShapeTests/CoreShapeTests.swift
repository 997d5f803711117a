import Foundation
import MILPKit
import Testing
@testable import MILPCoreShape

/// Fixtures (see Fixtures/README.md): digits and lfw as .npy, the reference spectra and exact
/// optimal core shapes of digits, lfw, china and flower.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

private struct ShapesFile: Decodable {
    struct Row: Decodable { let budget: Int; let core_shape: [Int]; let num_tucker_params: Int; let hosvd_prefix_sum: Double }
    let shape: [Int]
    let results: [Row]
}

private func referenceShapes(_ name: String) throws -> ShapesFile {
    try JSONDecoder().decode(ShapesFile.self, from: Data(contentsOf: fixtures.appendingPathComponent("\(name).core_shapes.json")))
}

/// A .npy file's bytes: version 1.0 header for `descr`, `fortran`, `shape`, then the payload.
private func npyBytes(descr: String, fortran: Bool, shape: [Int], payload: [UInt8]) -> Data {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
    bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
    bytes += Array(header.utf8)
    return Data(bytes + payload)
}

private func f64Payload(_ v: [Double]) -> [UInt8] { v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
private func f32Payload(_ v: [Float]) -> [UInt8] { v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

/// A deterministic pseudo-random tensor in C order.
private func randomTensor(_ shape: [Int], seed: UInt64) throws -> DenseTensor {
    var state = seed
    let values = (0..<shape.reduce(1, *)).map { _ -> Double in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    return try DenseTensor(shape: shape, values: values)
}

@Suite("CoreShape")
struct CoreShapeTests {
    @Test("spectra match the numpy SVD reference", arguments: ["digits", "lfw"])
    func spectraMatchReference(name: String) throws {
        let tensor = try DenseTensor.readNpy(path: fixture("\(name).npy"))
        let ours = ModeSpectra(tensor: tensor)
        let reference = try ModeSpectra.readJSON(path: fixture("\(name).spectra.json"))
        #expect(ours.shape == reference.shape)
        #expect(abs(ours.frobeniusNormSquared - reference.frobeniusNormSquared) <= 1e-12 * reference.frobeniusNormSquared)
        for n in 0..<tensor.order {
            let a = ours.sigma2[n], b = reference.sigma2[n]
            #expect(a.count == b.count, "mode \(n)")
            let top = b[0]
            for j in 0..<min(a.count, b.count) {
                // 1e-9 relative; values below 1e-6 of the largest have no relative accuracy in either
                // computation (README of the data), so they are compared relative to the largest.
                let scale = max(abs(b[j]), 1e-6 * top)
                #expect(abs(a[j] - b[j]) <= 1e-9 * scale, "mode \(n) value \(j): \(a[j]) vs \(b[j])")
            }
            #expect(a == a.sorted(by: >), "descending")
        }
        // The eigenvector path gives the same values.
        let eigen = ModeEigen(tensor: tensor)
        for n in 0..<tensor.order {
            for (x, y) in zip(eigen.values[n], ours.sigma2[n]) { #expect(abs(x - y) <= 1e-12 * ours.sigma2[n][0]) }
        }
    }

    /// The large tensors are not copied into the package: checked when the shared data is present.
    static let sharedTensors = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data/tensors").standardized.path

    @Test("spectra of china and flower match the reference (when ../shared is present)", .enabled(if: FileManager.default.fileExists(atPath: sharedTensors + "/china.npy")),
          arguments: ["china", "flower"])
    func largeSpectra(name: String) throws {
        let ours = ModeSpectra(tensor: try DenseTensor.readNpy(path: "\(Self.sharedTensors)/\(name).npy"))
        let reference = try ModeSpectra.readJSON(path: fixture("\(name).spectra.json"))
        for n in 0..<ours.shape.count {
            #expect(ours.sigma2[n].count == reference.sigma2[n].count)
            let top = reference.sigma2[n][0]
            for (a, b) in zip(ours.sigma2[n], reference.sigma2[n]) {
                #expect(abs(a - b) <= 1e-9 * max(abs(b), 1e-6 * top), "mode \(n): \(a) vs \(b)")
            }
        }
    }

    @Test("IP = brute force = shipped exact shapes at every shipped budget", arguments: ["digits", "lfw", "china", "flower"], ["cbc", "glpk"])
    func ipMatchesBruteForce(name: String, solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        let spectra = try ModeSpectra.readJSON(path: fixture("\(name).spectra.json"))
        let problem = CoreShapeProblem(spectra: spectra)
        let reference = try referenceShapes(name)
        #expect(reference.shape == spectra.shape)
        for (i, row) in reference.results.enumerated() {
            let (brute, _) = try problem.solve(budget: row.budget, method: .brute)
            let (ip, ipStats) = try problem.solve(budget: row.budget, method: .ip, solver: solver)
            #expect(brute.shape == row.core_shape, "\(name) budget \(row.budget): brute \(brute.shape)")
            #expect(ip.shape == row.core_shape, "\(name) budget \(row.budget): ip \(ip.shape) after \(ipStats.integerPrograms) IPs")
            // The slower alternatives (dozens of IPs each) at every fourth budget.
            guard i % 4 == 0 else { continue }
            let (buckets, _) = try problem.solve(budget: row.budget, method: .ip, exactMethod: .buckets, solver: solver)
            #expect(buckets.shape == row.core_shape, "\(name) budget \(row.budget): bucket ip \(buckets.shape)")
            #expect(ip.params == row.num_tucker_params)
            #expect(abs(ip.retainedEnergy - row.hosvd_prefix_sum) <= 1e-9 * row.hosvd_prefix_sum)
            // Approximations never beat the optimum and never exceed the budget.
            for method in [CoreShapeMethod.paperIP, .greedy, .greedyParam] {
                let (c, _) = try problem.solve(budget: row.budget, method: method, solver: solver)
                #expect(c.params <= row.budget, "\(method) \(c.shape)")
                #expect(c.params == problem.params(c.shape))
                #expect(c.retainedEnergy <= ip.retainedEnergy * (1 + 1e-12), "\(method) beats the optimum")
            }
        }
    }

    @Test("the chosen shape never exceeds the budget")
    func withinBudget() throws {
        let problem = CoreShapeProblem(spectra: try ModeSpectra.readJSON(path: fixture("lfw.spectra.json")))
        for budget in [451, 452, 600, 977, 1234, 2500, 6001, 12_345, 33_333] {
            for method in CoreShapeMethod.allCases {
                let (c, _) = try problem.solve(budget: budget, method: method)
                #expect(c.params <= budget, "\(method) at \(budget): \(c.shape) has \(c.params)")
                #expect(zip(c.shape, problem.dims).allSatisfy { $0 >= 1 && $0 <= $1 })
            }
            let (ip, _) = try problem.solve(budget: budget, method: .ip)
            let (brute, _) = try problem.solve(budget: budget, method: .brute)
            #expect(ip.shape == brute.shape, "budget \(budget)")
        }
    }

    @Test("IP = brute force on random spectra with 1 to 5 modes", arguments: [[7], [12, 9], [6, 5, 4, 3], [10, 3, 3, 2, 2], [40, 30, 2]], ["cbc", "glpk"])
    func ipMatchesBruteForceRandom(dims: [Int], solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        var state = UInt64(dims.reduce(7, *))
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        let sigma2 = dims.map { d in (0..<d).map { _ in next() * 100 }.sorted(by: >) }
        let problem = CoreShapeProblem(spectra: try ModeSpectra(shape: dims, sigma2: sigma2, frobeniusNormSquared: sigma2[0].reduce(0, +)))
        let full = dims.reduce(1, *) + dims.reduce(0) { $0 + $1 * $1 }
        var budget = problem.minimumBudget
        while budget <= full + 5 {
            let (ip, _) = try problem.solve(budget: budget, method: .ip, solver: solver)
            let (brute, _) = try problem.solve(budget: budget, method: .brute)
            #expect(ip.shape == brute.shape, "\(dims) budget \(budget) with \(solverName)")
            #expect(ip.params <= budget)
            budget += max(1, (full - problem.minimumBudget) / 23)
        }
    }

    @Test("HOSVD error agrees with a direct reconstruction", arguments: [
        ([5, 6, 4], [2, 3, 2]), ([9, 2, 3, 4], [3, 2, 2, 2]), ([30, 3, 2], [4, 2, 2]), ([7], [3]),
    ])
    func hosvdIndependent(shape: [Int], core: [Int]) throws {
        let x = try randomTensor(shape, seed: UInt64(shape.reduce(1, *)))
        try checkReconstruction(x, core: core)
    }

    @Test("HOSVD error on lfw and digits agrees with a direct reconstruction")
    func hosvdFixtures() throws {
        try checkReconstruction(try DenseTensor.readNpy(path: fixture("lfw.npy")), core: [3, 4, 2])
        // digits mode 0 (1797 > 8·8) takes the dual Gram path.
        try checkReconstruction(try DenseTensor.readNpy(path: fixture("digits.npy")), core: [3, 2, 4])
    }

    /// Rebuilds X̂ = G ×₁ U₁ … ×_N U_N with plain loops and compares ‖X − X̂‖²/‖X‖² to the HOSVD's RRE.
    private func checkReconstruction(_ x: DenseTensor, core: [Int]) throws {
        let h = try TruncatedHOSVD(tensor: x, shape: core)
        let dims = x.shape, n = dims.count, k = h.factorColumns
        // Orthonormal factor columns.
        for m in 0..<n {
            for a in 0..<k[m] {
                for b in 0..<k[m] {
                    var dot = 0.0
                    for i in 0..<dims[m] { dot += h.factors[m][a * dims[m] + i] * h.factors[m][b * dims[m] + i] }
                    #expect(abs(dot - (a == b ? 1 : 0)) < 1e-9)
                }
            }
        }
        // Strides (C order).
        func strides(_ s: [Int]) -> [Int] { var st = [Int](repeating: 1, count: s.count); for i in stride(from: s.count - 2, through: 0, by: -1) { st[i] = st[i + 1] * s[i + 1] }; return st }
        let xs = strides(dims), gs = strides(k)
        var err = 0.0
        var idx = [Int](repeating: 0, count: n)
        var cidx = [Int](repeating: 0, count: n)
        for flat in 0..<x.values.count {
            var rem = flat
            for m in 0..<n { idx[m] = rem / xs[m]; rem %= xs[m] }
            var value = 0.0
            for g in 0..<h.core.count {
                var r = g
                var w = h.core[g]
                for m in 0..<n { cidx[m] = r / gs[m]; r %= gs[m]; w *= h.factors[m][cidx[m] * dims[m] + idx[m]] }
                value += w
            }
            let d = x.values[flat] - value
            err += d * d
        }
        let rre = err / x.frobeniusNormSquared
        #expect(abs(rre - h.relativeSquaredError) <= 1e-9 * max(rre, 1e-6), "direct \(rre) vs \(h.relativeSquaredError)")
        // The surrogate bound: error ≤ Σ_n discarded σ².
        let spectra = ModeSpectra(tensor: x)
        let discarded = (0..<n).reduce(0.0) { $0 + spectra.sigma2[$1].dropFirst(core[$1]).reduce(0, +) }
        #expect(err <= discarded * (1 + 1e-9) + 1e-12)
    }

    @Test("npy: float32, Fortran order and 1-D read like the C-order float64 original")
    func npyVariants() throws {
        let x = try randomTensor([3, 4, 2], seed: 7)
        let c = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: false, shape: [3, 4, 2], payload: f64Payload(x.values)))
        #expect(c.values == x.values && c.shape == [3, 4, 2])
        // Fortran order: first index fastest.
        var f = [Double]()
        for k in 0..<2 { for j in 0..<4 { for i in 0..<3 { f.append(x.values[(i * 4 + j) * 2 + k]) } } }
        let fo = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: true, shape: [3, 4, 2], payload: f64Payload(f)))
        #expect(fo.values == x.values)
        let f32 = try DenseTensor.parseNpy(npyBytes(descr: "<f4", fortran: false, shape: [3, 4, 2], payload: f32Payload(x.values.map(Float.init))))
        #expect(zip(f32.values, x.values).allSatisfy { abs($0 - $1) < 1e-6 })
        let one = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: false, shape: [5], payload: f64Payload([1, 2, 3, 4, 5])))
        #expect(one.shape == [5])
        let four = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: false, shape: [2, 1, 3, 2], payload: f64Payload((0..<12).map(Double.init))))
        #expect(ModeSpectra(tensor: four).sigma2.count == 4)
    }

    @Test("bad input gives clear errors")
    func badInput() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let good = npyBytes(descr: "<f8", fortran: false, shape: [2, 2], payload: f64Payload([1, 2, 3, 4]))
        #expect(message { _ = try DenseTensor.parseNpy(good.prefix(9)) }.contains("truncated"))
        #expect(message { _ = try DenseTensor.parseNpy(good.prefix(40)) }.contains("truncated .npy header"))
        #expect(message { _ = try DenseTensor.parseNpy(good.prefix(good.count - 3)) }.contains("truncated .npy data"))
        #expect(message { _ = try DenseTensor.parseNpy(Data("hello world, not npy".utf8)) }.contains("magic"))
        #expect(message { _ = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: false, shape: [2, 2], payload: f64Payload([1, .nan, 3, 4]))) }.contains("NaN"))
        #expect(message { _ = try DenseTensor.parseNpy(npyBytes(descr: ">f8", fortran: false, shape: [2], payload: f64Payload([1, 2]))) }.contains("big-endian"))
        #expect(message { _ = try DenseTensor.parseNpy(npyBytes(descr: "<i8", fortran: false, shape: [2], payload: f64Payload([1, 2]))) }.contains("unsupported dtype"))
        #expect(message { _ = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: false, shape: [3, 0], payload: [])) }.contains("size 0"))
        #expect(message { _ = try DenseTensor.parseNpy(npyBytes(descr: "<f8", fortran: false, shape: [1 << 40, 1 << 40], payload: [])) }.contains("too large"))
        #expect(message { _ = try DenseTensor(shape: [2, 0], values: []) }.contains("size 0"))
        #expect(message { _ = try DenseTensor(shape: [2], values: [1, .infinity]) }.contains("non-finite"))
        #expect(message { _ = try DenseTensor.readNpy(path: "/nonexistent/x.npy") }.contains("cannot read"))
        let problem = CoreShapeProblem(spectra: try ModeSpectra.readJSON(path: fixture("lfw.spectra.json")))
        #expect(problem.minimumBudget == 251)
        for method in CoreShapeMethod.allCases {
            #expect(message { _ = try problem.solve(budget: 250, method: method) }.contains("below the smallest core shape"))
        }
        #expect(message { _ = try problem.solve(budget: 5000, method: .paperIP, epsilon: 0) }.contains("epsilon"))
    }
}
