import CLapack
import Foundation

/// The squared singular values of every mode-n unfolding X_(n), in descending order.
/// `sigma2[n]` has min(I_n, ∏_{m≠n} I_m) values (the others are exactly zero).
public struct ModeSpectra: Sendable {
    /// The tensor's mode sizes I_n.
    public let shape: [Int]
    /// `sigma2[n]`: the squared singular values of X_(n), descending.
    public let sigma2: [[Double]]
    /// ‖X‖²_F, the tensor's total energy.
    public let frobeniusNormSquared: Double

    /// Checks that there is one spectrum per mode, no longer than the mode's size, with finite
    /// non-negative values; throws a ``CoreShapeError`` otherwise.
    public init(shape: [Int], sigma2: [[Double]], frobeniusNormSquared: Double) throws {
        guard !shape.isEmpty, shape.count == sigma2.count else {
            throw CoreShapeError("spectra: \(sigma2.count) spectra for a shape of \(shape.count) modes")
        }
        for (n, s) in sigma2.enumerated() {
            guard shape[n] >= 1 else { throw CoreShapeError("mode \(n) has size \(shape[n]): every mode must have size at least 1") }
            guard s.count <= shape[n] else { throw CoreShapeError("spectra: mode \(n) has \(s.count) values for size \(shape[n])") }
            if s.contains(where: { !$0.isFinite || $0 < 0 }) { throw CoreShapeError("spectra: mode \(n) holds a negative or non-finite value") }
        }
        self.shape = shape
        self.sigma2 = sigma2
        self.frobeniusNormSquared = frobeniusNormSquared
    }

    /// Computes the spectra with LAPACK: eigenvalues (dsyevd) of the Gram matrix X_(n) X_(n)ᵀ, or of
    /// X_(n)ᵀ X_(n) when that one is smaller; tiny negative round-off is clamped to zero.
    public init(tensor: DenseTensor) {
        var s: [[Double]] = []
        for n in 0..<tensor.order {
            s.append(ModeGram(tensor: tensor, mode: n).eigen(vectors: false).values)
        }
        self.shape = tensor.shape
        self.sigma2 = s
        self.frobeniusNormSquared = tensor.frobeniusNormSquared
    }

    /// Reads the reference format `{"shape": [...], "sigma2": [[...], ...], "frobenius_norm_sq": x}`.
    public static func readJSON(path: String) throws -> ModeSpectra {
        guard let data = FileManager.default.contents(atPath: path) else { throw CoreShapeError("cannot read \(path)") }
        struct File: Decodable { let shape: [Int]; let sigma2: [[Double]]; let frobenius_norm_sq: Double? }
        let f: File
        do { f = try JSONDecoder().decode(File.self, from: data) } catch {
            throw CoreShapeError("\(path): not a spectra JSON file ({\"shape\", \"sigma2\", \"frobenius_norm_sq\"}): \(error)")
        }
        return try ModeSpectra(shape: f.shape, sigma2: f.sigma2, frobeniusNormSquared: f.frobenius_norm_sq ?? f.sigma2.first?.reduce(0, +) ?? 0)
    }
}

/// The mode-n unfolding stored as an I_n × K row-major matrix (K = ∏_{m≠n} I_m), i.e. a
/// column-major K × I_n matrix for BLAS, and its Gram matrix eigen-decomposition.
struct ModeGram {
    let rows: Int      // I_n
    let cols: Int      // K
    let unfolding: [Double]   // unfolding[i * cols + c]

    init(tensor: DenseTensor, mode n: Int) {
        let shape = tensor.shape
        let a = shape[..<n].reduce(1, *)
        let b = shape[(n + 1)...].reduce(1, *)
        let i = shape[n]
        rows = i
        cols = a * b
        if a == 1 {
            unfolding = tensor.values   // already I_n × B row-major
        } else {
            var u = [Double](repeating: 0, count: tensor.values.count)
            tensor.values.withUnsafeBufferPointer { x in
                u.withUnsafeMutableBufferPointer { out in
                    for ai in 0..<a {
                        for ii in 0..<i {
                            let src = (ai * i + ii) * b
                            let dst = ii * (a * b) + ai * b
                            for bi in 0..<b { out[dst + bi] = x[src + bi] }
                        }
                    }
                }
            }
            unfolding = u
        }
    }

    /// Eigenvalues (descending, clamped at 0, min(I_n, K) of them) and, when asked, the matching
    /// left singular vectors of X_(n) as a column-major I_n × count matrix.
    func eigen(vectors: Bool) -> (values: [Double], vectors: [Double]) {
        let dual = cols < rows
        let m = dual ? cols : rows
        var g = [Double](repeating: 0, count: m * m)
        var nn = Int32(m), k = Int32(dual ? rows : cols), ld = Int32(cols), ldc = Int32(m)
        var one = 1.0, zero = 0.0
        unfolding.withUnsafeBufferPointer { u in
            // Column-major view: U is cols × rows (ld = cols). Primal G = UᵀU (rows²), dual H = UUᵀ (cols²).
            dsyrk_("U", dual ? "N" : "T", &nn, &k, &one, u.baseAddress, &ld, &zero, &g, &ldc, 1, 1)
        }
        var w = [Double](repeating: 0, count: m)
        let (values, evecs) = Self.syevd(&g, n: m, vectors: vectors, w: &w)
        var sorted = Array(values.reversed()).map { max($0, 0) }
        if !vectors { return (sorted, []) }
        // Columns in descending order.
        var v = [Double](repeating: 0, count: m * m)
        for j in 0..<m { for r in 0..<m { v[j * m + r] = evecs[(m - 1 - j) * m + r] } }
        if !dual { return (sorted, v) }
        // Left singular vectors u_j = X_(n) v_j / σ_j for σ_j > 0 (the rest carry no energy: dropped).
        let tol = (sorted.first ?? 0) * 1e-13
        let positive = sorted.prefix(while: { $0 > tol }).count
        sorted = Array(sorted.prefix(positive))
        var left = [Double](repeating: 0, count: rows * positive)
        if positive > 0 {
            var mm = Int32(rows), np = Int32(positive), kk = Int32(cols), lda = Int32(cols), ldb = Int32(m), ldl = Int32(rows)
            unfolding.withUnsafeBufferPointer { u in
                dgemm_("T", "N", &mm, &np, &kk, &one, u.baseAddress, &lda, v, &ldb, &zero, &left, &ldl, 1, 1)
            }
            for j in 0..<positive {
                let s = 1 / sorted[j].squareRoot()
                for r in 0..<rows { left[j * rows + r] *= s }
            }
        }
        return (sorted, left)
    }

    /// dsyevd on the upper triangle of the column-major n × n matrix `a`; returns ascending eigenvalues
    /// and (when asked) the eigenvectors left in `a`.
    static func syevd(_ a: inout [Double], n: Int, vectors: Bool, w: inout [Double]) -> ([Double], [Double]) {
        var nn = Int32(n), lda = Int32(max(n, 1)), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq = 0.0
        var iwq: Int32 = 0
        let jobz = vectors ? "V" : "N"
        dsyevd_(jobz, "U", &nn, &a, &lda, &w, &wq, &lwork, &iwq, &liwork, &info, 1, 1)
        lwork = Int32(wq.rounded(.up))
        liwork = max(iwq, 1)
        var work = [Double](repeating: 0, count: Int(max(lwork, 1)))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(jobz, "U", &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        precondition(info == 0, "dsyevd failed with info \(info)")
        return (w, vectors ? a : [])
    }
}
