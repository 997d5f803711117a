#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A token: a byte range of the file being parsed.
struct Token {
    var start: Int
    var end: Int
    var count: Int { end - start }
}

/// A hash table from byte strings (ranges of one buffer) to dense indices, without allocating a
/// Swift `String` per lookup. Open addressing, linear probing, FNV-1a hashing.
struct NameIndex {
    private var slots: [Int32]          // index into `names`, -1 when empty
    private var hashes: [UInt64]
    private(set) var names: [Token] = []
    private var mask: Int

    init(expected: Int = 1024) {
        var size = 1024
        while size < expected * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { names.count }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in token.start..<token.end {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3
        }
        return h
    }

    /// The index of `token`'s text, or nil.
    func find(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Int? {
        let h = Self.hash(bytes, token)
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[slot] == h && Self.equal(bytes, names[index], token) { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Adds `token`'s text; returns its index and whether it was new.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> (index: Int, inserted: Bool) {
        if names.count * 2 >= slots.count { grow() }
        let h = Self.hash(bytes, token)
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[slot] == h && Self.equal(bytes, names[index], token) { return (index, false) }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(names.count)
        hashes[slot] = h
        names.append(token)
        return (names.count - 1, true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size), newHashes = [UInt64](repeating: 0, count: size)
        for slot in slots.indices where slots[slot] >= 0 {
            var s = Int(truncatingIfNeeded: hashes[slot]) & (size - 1)
            while newSlots[s] >= 0 { s = (s + 1) & (size - 1) }
            newSlots[s] = slots[slot]
            newHashes[s] = hashes[slot]
        }
        slots = newSlots
        hashes = newHashes
        mask = size - 1
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Token, _ b: Token) -> Bool {
        guard a.count == b.count else { return false }
        return memcmp(bytes.baseAddress! + a.start, bytes.baseAddress! + b.start, a.count) == 0
    }
}

/// Parses a decimal number from `bytes[token]`; nil when the token is not entirely a number.
/// Exact fast path for up to 15 significant digits and small exponents (Clinger), `strtod` otherwise.
func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Double? {
    var i = token.start
    let end = token.end
    guard i < end else { return nil }
    var negative = false
    if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    var mantissa: UInt64 = 0, digits = 0, exponent = 0, sawDigit = false
    while i < end, bytes[i] &- 48 < 10 {
        if digits < 19 { mantissa = mantissa * 10 + UInt64(bytes[i] - 48); if mantissa != 0 { digits += 1 } } else { exponent += 1 }
        sawDigit = true
        i += 1
    }
    if i < end, bytes[i] == UInt8(ascii: ".") {
        i += 1
        while i < end, bytes[i] &- 48 < 10 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(bytes[i] - 48); if mantissa != 0 { digits += 1 }; exponent -= 1 }
            sawDigit = true
            i += 1
        }
    }
    guard sawDigit else { return slowNumber(bytes, token) }
    if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") || bytes[i] | 0x20 == UInt8(ascii: "d") {
        i += 1
        var expNegative = false
        if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            expNegative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var e = 0, expDigits = 0
        while i < end, bytes[i] &- 48 < 10 {
            if e < 100_000 { e = e * 10 + Int(bytes[i] - 48) }
            expDigits += 1
            i += 1
        }
        guard expDigits > 0 else { return nil }
        exponent += expNegative ? -e : e
    }
    guard i == end else { return slowNumber(bytes, token) }
    if digits <= 15, mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
        let m = Double(mantissa)
        let value = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
        return negative ? -value : value
    }
    return slowNumber(bytes, token)
}

private let powersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

/// strtod on a NUL-terminated copy; accepts what C accepts (inf, nan, hex floats, Fortran D).
private func slowNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Double? {
    guard token.count > 0, token.count < 400 else { return nil }
    var text = Array(bytes[token.start..<token.end])
    for k in text.indices where text[k] | 0x20 == UInt8(ascii: "d") { text[k] = UInt8(ascii: "e") }
    text.append(0)
    return text.withUnsafeBufferPointer { buffer -> Double? in
        let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        var endPointer: UnsafeMutablePointer<CChar>?
        let value = strtod(start, &endPointer)
        guard let endPointer, endPointer - UnsafeMutablePointer(mutating: start) == token.count else { return nil }
        return value
    }
}
