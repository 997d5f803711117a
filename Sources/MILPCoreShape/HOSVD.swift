import CLapack

/// A truncated HOSVD: factor matrices from the leading eigenvectors of each mode's Gram matrix,
/// core by projection G = X ×₁ U₁ᵀ ×₂ … ×_N U_Nᵀ.
public struct TruncatedHOSVD: Sendable {
    /// The requested core shape.
    public let shape: [Int]
    /// `factors[n]`: column-major I_n × k_n matrix with orthonormal columns, k_n = min(r_n, rank of X_(n))
    /// (directions beyond the rank carry no energy and are left out).
    public let factors: [[Double]]
    /// `factorColumns[n]`: the number of columns k_n actually kept in `factors[n]` (at most `shape[n]`);
    /// also the core's shape.
    public let factorColumns: [Int]
    /// The core, C order, shape `factorColumns`.
    public let core: [Double]
    /// ‖X − X̂‖²_F / ‖X‖²_F, computed as (‖X‖² − ‖G‖²)/‖X‖² (the factors are orthonormal).
    public let relativeSquaredError: Double

    /// `eigen` (from `ModeEigen(tensor:)`) can be shared between several shapes of the same tensor.
    public init(tensor: DenseTensor, shape: [Int], eigen: ModeEigen? = nil) throws {
        guard shape.count == tensor.order else { throw CoreShapeError("core shape \(shape) has \(shape.count) modes, the tensor \(tensor.order)") }
        for (n, r) in shape.enumerated() where r < 1 || r > tensor.shape[n] {
            throw CoreShapeError("core rank \(r) for mode \(n) is outside 1...\(tensor.shape[n])")
        }
        self.shape = shape
        let eigen = eigen ?? ModeEigen(tensor: tensor)
        var factors: [[Double]] = []
        var cols: [Int] = []
        for n in 0..<tensor.order {
            let k = min(shape[n], eigen.values[n].count)
            factors.append(Array(eigen.vectors[n].prefix(k * tensor.shape[n])))
            cols.append(k)
        }
        // Project mode by mode: T (A × I × B, C order) → (A × k × B) with out_a = Uᵀ T_a.
        var current = tensor.values
        var dims = tensor.shape
        for n in 0..<tensor.order {
            let a = dims[..<n].reduce(1, *), i = dims[n], b = dims[(n + 1)...].reduce(1, *), k = cols[n]
            var out = [Double](repeating: 0, count: a * k * b)
            if k > 0 {
                var mB = Int32(b), nK = Int32(k), kI = Int32(i), ldT = Int32(b), ldU = Int32(i), ldO = Int32(b)
                var one = 1.0, zero = 0.0
                current.withUnsafeBufferPointer { t in
                    factors[n].withUnsafeBufferPointer { u in
                        out.withUnsafeMutableBufferPointer { o in
                            for ai in 0..<a {
                                // Column-major: out_aᵀ (B × k) = T_aᵀ (B × I) · U (I × k).
                                dgemm_("N", "N", &mB, &nK, &kI, &one, t.baseAddress! + ai * i * b, &ldT, u.baseAddress, &ldU,
                                       &zero, o.baseAddress! + ai * k * b, &ldO, 1, 1)
                            }
                        }
                    }
                }
            }
            current = out
            dims[n] = k
        }
        self.factors = factors
        self.factorColumns = cols
        self.core = current
        let x2 = tensor.frobeniusNormSquared
        let g2 = current.reduce(0) { $0 + $1 * $1 }
        self.relativeSquaredError = x2 > 0 ? max(0, x2 - g2) / x2 : 0
    }
}

/// Every mode's Gram eigen-decomposition: σ² (descending) and the left singular vectors of X_(n)
/// (column-major I_n × count), computed once and shared by the spectra and the HOSVD of any shape.
public struct ModeEigen: Sendable {
    /// The tensor's shape.
    public let shape: [Int]
    /// `values[n]`: the Gram eigenvalues σ² of mode n, descending and clamped at 0; directions with zero
    /// energy may be left out.
    public let values: [[Double]]
    /// `vectors[n]`: the matching left singular vectors of X_(n), a column-major I_n × `values[n].count` matrix.
    public let vectors: [[Double]]

    /// Decomposes every mode's Gram matrix with LAPACK; the cost grows with the tensor, so compute it
    /// once per tensor.
    public init(tensor: DenseTensor) {
        var v: [[Double]] = [], u: [[Double]] = []
        for n in 0..<tensor.order {
            let e = ModeGram(tensor: tensor, mode: n).eigen(vectors: true)
            v.append(e.values)
            u.append(e.vectors)
        }
        shape = tensor.shape
        values = v
        vectors = u
    }
}
