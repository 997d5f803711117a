import Foundation

/// Errors of the core-shape tools: bad tensors, bad spectra files, impossible budgets.
public struct CoreShapeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for the user.
    public let description: String
    /// Creates an error with the given message.
    public init(_ description: String) { self.description = description }
}

/// A dense real tensor in C (row-major) order: the last index varies fastest.
public struct DenseTensor: Sendable {
    /// The size of every mode.
    public let shape: [Int]
    /// All values in C order (the last index fastest); the count is the product of `shape`.
    public let values: [Double]

    /// Checks the shape (at least one mode, every mode ≥ 1), the value count, and that every value is finite.
    public init(shape: [Int], values: [Double]) throws {
        guard !shape.isEmpty else { throw CoreShapeError("the tensor has no modes (a scalar)") }
        if let n = shape.firstIndex(where: { $0 <= 0 }) {
            throw CoreShapeError("mode \(n) has size \(shape[n]): every mode must have size at least 1")
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        guard !overflow else { throw CoreShapeError("the tensor shape \(shape) is too large") }
        guard count == values.count else {
            throw CoreShapeError("the shape \(shape) needs \(count) values, got \(values.count)")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw CoreShapeError("the tensor holds a non-finite value (\(values[i])) at flat index \(i)")
        }
        self.shape = shape
        self.values = values
    }

    /// The number of modes.
    public var order: Int { shape.count }
    /// ‖X‖²_F: the sum of the squared values.
    public var frobeniusNormSquared: Double { values.reduce(0) { $0 + $1 * $1 } }

    /// Reads a NumPy `.npy` file: float32 or float64, little-endian (or native on a little-endian
    /// machine), C or Fortran order, any number of modes. Anything else is a clear error.
    public static func readNpy(path: String) throws -> DenseTensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CoreShapeError("cannot read \(path)")
        }
        do { return try parseNpy(data) } catch let e as CoreShapeError {
            throw CoreShapeError("\(path): \(e.description)")
        }
    }

    /// Parses the bytes of a `.npy` file (see `readNpy`).
    public static func parseNpy(_ data: Data) throws -> DenseTensor {
        let bytes = [UInt8](data)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10 else { throw CoreShapeError("truncated .npy header (\(bytes.count) bytes)") }
        guard Array(bytes[0..<6]) == magic else { throw CoreShapeError("not a .npy file (bad magic string)") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw CoreShapeError("truncated .npy header (\(bytes.count) bytes)") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw CoreShapeError("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= headerStart + headerLength else {
            throw CoreShapeError("truncated .npy header: it declares \(headerLength) bytes, the file has \(bytes.count - headerStart)")
        }
        guard let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw CoreShapeError("unreadable .npy header")
        }
        let trimmed = header.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else {
            throw CoreShapeError("truncated or malformed .npy header: \(trimmed.prefix(80))")
        }
        guard let descr = dictValue(trimmed, key: "descr") else { throw CoreShapeError("the .npy header has no 'descr'") }
        guard let fortranText = dictValue(trimmed, key: "fortran_order") else { throw CoreShapeError("the .npy header has no 'fortran_order'") }
        guard let shapeText = dictValue(trimmed, key: "shape") else { throw CoreShapeError("the .npy header has no 'shape'") }

        let d = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        let width: Int
        switch d {
        case "<f8", "=f8", "f8": width = 8
        case "<f4", "=f4", "f4": width = 4
        case ">f8", ">f4": throw CoreShapeError("big-endian data ('\(d)') is not supported: convert it with numpy's .astype('<f8')")
        default: throw CoreShapeError("unsupported dtype '\(d)': only float32 ('<f4') and float64 ('<f8') are supported")
        }
        let fortran: Bool
        switch fortranText.trimmingCharacters(in: .whitespaces) {
        case "True": fortran = true
        case "False": fortran = false
        default: throw CoreShapeError("bad fortran_order value '\(fortranText)'")
        }
        let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let p = part.trimmingCharacters(in: .whitespaces)
            if p.isEmpty { continue }
            guard let v = Int(p), v >= 0 else { throw CoreShapeError("bad shape entry '\(p)' in the .npy header") }
            shape.append(v)
        }
        guard !shape.isEmpty else { throw CoreShapeError("the .npy array is a scalar (shape ()): a tensor needs at least one mode") }
        if let n = shape.firstIndex(of: 0) { throw CoreShapeError("mode \(n) has size 0 (shape \(shape)): every mode must have size at least 1") }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int.max / 8 else { throw CoreShapeError("the .npy shape \(shape) is too large") }
            count = p
        }
        let dataStart = headerStart + headerLength
        let needed = count * width
        guard bytes.count - dataStart >= needed else {
            throw CoreShapeError("truncated .npy data: shape \(shape) needs \(needed) bytes, the file has \(bytes.count - dataStart)")
        }
        var raw = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { buf in
            let base = buf.baseAddress! + dataStart
            if width == 8 {
                for i in 0..<count { raw[i] = Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
            } else {
                for i in 0..<count { raw[i] = Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) }
            }
        }
        if let i = raw.firstIndex(where: { !$0.isFinite }) {
            throw CoreShapeError("the tensor holds a non-finite value (\(raw[i])) at flat index \(i): NaN and infinity are not allowed")
        }
        let values = fortran && shape.count > 1 ? fortranToC(raw, shape: shape) : raw
        return try DenseTensor(shape: shape, values: values)
    }

    /// The text of `key`'s value in a Python dict literal (up to the next top-level comma).
    private static func dictValue(_ dict: String, key: String) -> String? {
        for quote in ["'", "\""] {
            guard let r = dict.range(of: "\(quote)\(key)\(quote)") else { continue }
            var rest = dict[r.upperBound...].drop(while: { $0 == " " })
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop(while: { $0 == " " })
            var depth = 0
            var out = ""
            for ch in rest {
                if ch == "(" || ch == "[" { depth += 1 }
                if ch == ")" || ch == "]" { depth -= 1 }
                if depth == 0 && (ch == "," || ch == "}") { break }
                out.append(ch)
                if depth < 0 { return nil }
            }
            return out.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Reorders Fortran-order (first index fastest) values into C order.
    static func fortranToC(_ f: [Double], shape: [Int]) -> [Double] {
        let n = shape.count
        var fStride = [Int](repeating: 1, count: n)
        for k in 1..<n { fStride[k] = fStride[k - 1] * shape[k - 1] }
        var out = [Double](repeating: 0, count: f.count)
        var index = [Int](repeating: 0, count: n)
        var fOffset = 0
        for c in 0..<f.count {
            out[c] = f[fOffset]
            // Advance the C-order multi-index (last mode fastest), keeping the Fortran offset.
            var k = n - 1
            while k >= 0 {
                index[k] += 1
                fOffset += fStride[k]
                if index[k] < shape[k] { break }
                fOffset -= fStride[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}
