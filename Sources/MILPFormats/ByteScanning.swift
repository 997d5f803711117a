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

/// A hash table from names (byte ranges of one buffer) to dense indices 0, 1, 2, … in insertion
/// order, without creating a `String` per lookup.
///
/// Reading a large file is dominated by these lookups (one per matrix entry), and a lookup by
/// cache misses, so the layout is built around them:
/// - `slots` (open addressing, linear probing, at most half full) holds 8 bytes per slot: 32 bits
///   of the name's hash and its index + 1 (0: empty). The table stays small, mismatches are
///   rejected by the hash bits alone, and growing never rereads a name.
/// - `entries`, in insertion order, holds each name's token and its first 16 bytes, so names of up
///   to 16 bytes (nearly all in practice) are compared without touching the file. Files mostly
///   refer to rows in the order they were declared, so consecutive lookups hit neighbouring entries.
///
/// Names stay in the caller's buffer (`names` are tokens of it), or with `copiesNames` in the
/// index itself (`text(_:)`), for callers that read a file a window at a time.
struct NameIndex {
    private struct Entry {
        var token: Token
        var head: UInt64    // bytes 0..<8 of the name, zero-padded
        var tail: UInt64    // bytes 8..<16
    }

    private var slots: [UInt64]
    private var mask: Int
    private var entries: [Entry] = []
    /// `entries[..<indexed]` are in the hash table; the rest were added by `appendUnindexed`.
    private var indexed = 0
    /// Keeps the loads that warm the cache from being optimized away.
    private var loadSink: UInt64 = 0
    /// With `copiesNames`: the bytes of names longer than 16 bytes, which their entries' tokens
    /// refer to (shorter names are whole in `head` and `tail`).
    private var copies: [UInt8] = []
    let copiesNames: Bool

    init(expected: Int = 1024, copiesNames: Bool = false) {
        var size = 1024
        while size < expected * 2 { size <<= 1 }
        slots = Array(hugePagesRepeating: 0, count: size)
        mask = size - 1
        self.copiesNames = copiesNames
    }

    var count: Int { entries.count }

    /// The token of the name with index `index`.
    func name(_ index: Int) -> Token { entries[index].token }

    /// The tokens of all names, by index, in the caller's buffer (an index that copies names
    /// gives their text with `text(_:)` instead).
    var names: [Token] { entries.map(\.token) }

    /// The text of name `index` (an index that copies names).
    func text(_ index: Int) -> String {
        let entry = entries[index]
        if entry.token.count <= 16 {
            return withUnsafeBytes(of: (entry.head.littleEndian, entry.tail.littleEndian)) {
                String(decoding: $0.prefix(entry.token.count), as: UTF8.self)
            }
        }
        return copies.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[entry.token.start..<entry.token.end]), as: UTF8.self) }
    }

    /// The slot where a lookup of `token` starts (for `warm`).
    func startSlot(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Int {
        let length = token.count
        return Int(Self.hash(bytes, token, loadWord(bytes, token.start, length), loadWord(bytes, token.start + 8, length - 8))) & mask
    }

    /// Loads the given start slots and the entries they point to, back to back so that the cache
    /// misses overlap; the lookups that follow then find them in the cache. Returns a value only
    /// to keep the loads from being optimized away.
    func warm(_ positions: ArraySlice<Int>) -> UInt64 {
        var sink: UInt64 = 0
        for p in positions where p <= mask { sink &+= slots[p] }
        for p in positions where p <= mask {
            let index = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: slots[p])) - 1
            if index >= 0 && index < entries.count { sink &+= entries[index].head }
        }
        return sink
    }

    /// The index of `token`'s text, or nil.
    func find(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Int? {
        lookup(bytes, token, loadWord(bytes, token.start, token.count), loadWord(bytes, token.start + 8, token.count - 8)).index
    }

    /// The index of `token`'s text, or nil; tries the names with index `guess` and `guess + 1`
    /// before the hash table.
    ///
    /// Files tend to name rows and columns in declaration order: BOUNDS and RHS go through them in
    /// order, and the k-th entry of a column is often in the row of, or the row after, the k-th
    /// entry of the previous column. A right guess costs one comparison with an entry that is
    /// likely in the cache, instead of a hash table probe that is likely a cache miss.
    func find(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, guess: Int) -> Int? {
        let head = loadWord(bytes, token.start, token.count), tail = loadWord(bytes, token.start + 8, token.count - 8)
        if guess >= 0 && guess < entries.count && matches(entries[guess], bytes, token, head, tail) { return guess }
        if guess + 1 >= 0 && guess + 1 < entries.count && matches(entries[guess + 1], bytes, token, head, tail) { return guess + 1 }
        return lookup(bytes, token, head, tail).index
    }

    /// Adds `token`'s text; returns its index and whether it was new. (Not while names added by
    /// `appendUnindexed` are pending.)
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> (index: Int, inserted: Bool) {
        if entries.count * 2 >= slots.count { grow() }
        let head = loadWord(bytes, token.start, token.count), tail = loadWord(bytes, token.start + 8, token.count - 8)
        let (found, position, hash) = lookup(bytes, token, head, tail)
        if let found { return (found, false) }
        slots[position] = UInt64(hash) << 32 | UInt64(entries.count + 1)
        append(bytes, token, head, tail)
        indexed = entries.count
        return (entries.count - 1, true)
    }

    /// Adds `token`'s text to the list of names but not yet to the hash table, for a caller that
    /// adds many names it expects to be new: lookups find it after `indexPending()`, which enters
    /// all such names at once (their cache misses overlapping rather than one per name).
    mutating func appendUnindexed(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Int {
        append(bytes, token, loadWord(bytes, token.start, token.count), loadWord(bytes, token.start + 8, token.count - 8))
        return entries.count - 1
    }

    /// Enters the names added by `appendUnindexed` into the hash table, in order. Returns the first
    /// of them whose text repeats an earlier name (the table then holds the names before it), or
    /// nil. `bytes` is the buffer the names were added from (unused when the index copies names).
    mutating func indexPending(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard indexed < entries.count else { return nil }
        var size = slots.count
        while size < entries.count * 2 { size *= 2 }
        if size > slots.count { rehash(size) }
        let copies = copies
        return copies.withUnsafeBufferPointer { copied in
            let names = copiesNames ? copied : bytes
            // In blocks: the start slots of a block are loaded back to back first, so that their
            // cache misses overlap (as in `warm`).
            let block = 32
            for first in stride(from: indexed, to: entries.count, by: block) {
                let last = min(first + block, entries.count)
                for index in first..<last {
                    let entry = entries[index]
                    loadSink &+= slots[Int(Self.hash(names, entry.token, entry.head, entry.tail)) & mask]
                }
                for index in first..<last {
                    let entry = entries[index]
                    let (found, position, hash) = lookup(names, entry.token, entry.head, entry.tail)
                    if found != nil { return index }
                    slots[position] = UInt64(hash) << 32 | UInt64(index + 1)
                    indexed = index + 1
                }
            }
            return nil
        }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, _ head: UInt64, _ tail: UInt64) {
        var stored = token
        if copiesNames {
            stored = Token(start: copies.count, end: copies.count + token.count)
            if token.count > 16 { copies.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])) }
        }
        entries.append(Entry(token: stored, head: head, tail: tail))
    }

    /// The index of `token`'s text if present, else nil and the empty slot where it would go.
    private func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, _ head: UInt64, _ tail: UInt64)
        -> (index: Int?, position: Int, hash: UInt32) {
        let hash = Self.hash(bytes, token, head, tail)
        var position = Int(hash) & mask
        while true {
            let slot = slots[position]
            if slot == 0 { return (nil, position, hash) }
            if UInt32(truncatingIfNeeded: slot >> 32) == hash {
                let index = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: slot)) - 1
                if matches(entries[index], bytes, token, head, tail) { return (index, position, hash) }
            }
            position = (position + 1) & mask
        }
    }

    @inline(__always)
    private func matches(_ entry: Entry, _ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, _ head: UInt64, _ tail: UInt64) -> Bool {
        entry.head == head && entry.tail == tail && entry.token.count == token.count
            && (token.count <= 16 || restMatches(entry, bytes, token))
    }

    /// Names longer than 16 bytes: all of them compared.
    @inline(never)
    private func restMatches(_ entry: Entry, _ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Bool {
        guard copiesNames else { return Self.equal(bytes, entry.token, token) }
        return copies.withUnsafeBufferPointer { memcmp($0.baseAddress! + entry.token.start, bytes.baseAddress! + token.start, token.count) == 0 }
    }

    /// The storage the next `count` names go to (for `PagePopulator`).
    func spareCapacity(for count: Int) -> (start: UnsafeRawPointer, bytes: Int)? { entries.spareCapacity(for: count) }

    /// Makes room for `count` names in the list of names (the table itself grows as needed).
    mutating func reserveEntries(_ count: Int) { entries.reserveCapacityInHugePages(count) }

    /// Makes room for `count` names without regrowing.
    mutating func reserveCapacity(_ count: Int) {
        reserveEntries(count)
        var size = slots.count
        while size < count * 2 { size *= 2 }
        if size > slots.count { rehash(size) }
    }

    private mutating func grow() { rehash(slots.count * 2) }

    private mutating func rehash(_ size: Int) {
        var newSlots = [UInt64](hugePagesRepeating: 0, count: size)
        for slot in slots where slot != 0 {
            var position = Int(truncatingIfNeeded: slot >> 32) & (size - 1)
            while newSlots[position] != 0 { position = (position + 1) & (size - 1) }
            newSlots[position] = slot
        }
        slots = newSlots
        mask = size - 1
    }

    /// 32 well-mixed bits (multiply-xorshift) of the length and all bytes of the name; the bytes
    /// past 16 are folded in 8 at a time.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, _ head: UInt64, _ tail: UInt64) -> UInt32 {
        let length = token.count
        var h = (head ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ tail) &* 0xBF58_476D_1CE4_E5B9
        var i = 16
        while i < length {
            h = (h ^ (h >> 29) ^ loadWord(bytes, token.start + i, length - i)) &* 0xBF58_476D_1CE4_E5B9
            i += 8
        }
        return UInt32(truncatingIfNeeded: h >> 32)
    }

    /// True when two tokens have the same text.
    @inline(__always)
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Token, _ b: Token) -> Bool {
        let count = a.count
        guard count == b.count else { return false }
        if count <= 8 && a.start + 8 <= bytes.count && b.start + 8 <= bytes.count {  // most names: one word each
            let base = UnsafeRawPointer(bytes.baseAddress!)
            let difference = base.loadUnaligned(fromByteOffset: a.start, as: UInt64.self) ^ base.loadUnaligned(fromByteOffset: b.start, as: UInt64.self)
            return UInt64(littleEndian: difference) & (UInt64.max >> (64 - 8 * max(count, 1))) == 0 || count == 0
        }
        if count <= 16 {
            return loadWord(bytes, a.start, count) == loadWord(bytes, b.start, count)
                && loadWord(bytes, a.start + 8, count - 8) == loadWord(bytes, b.start + 8, count - 8)
        }
        return memcmp(bytes.baseAddress! + a.start, bytes.baseAddress! + b.start, count) == 0
    }
}

/// Bytes `start ..< start + min(count, 8)` as a little-endian word, zero-padded (0 when count ≤ 0).
@inline(__always)
func loadWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> UInt64 {
    guard count > 0 else { return 0 }
    if start + 8 <= bytes.count {
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + start).loadUnaligned(as: UInt64.self))
        return count >= 8 ? word : word & (UInt64.max >> (64 - 8 * count))
    }
    var word: UInt64 = 0  // near the end of the buffer: byte by byte
    for k in 0..<min(count, 8) { word |= UInt64(bytes[start + k]) << (8 * k) }
    return word
}

/// The byte with ASCII a-z mapped to A-Z.
@inline(__always)
func asciiUpper(_ byte: UInt8) -> UInt8 { byte &- 97 < 26 ? byte - 32 : byte }

/// True when `bytes[token]` is `word` (given in upper case), ignoring ASCII letter case.
func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, _ word: StaticString) -> Bool {
    guard token.count == word.utf8CodeUnitCount else { return false }
    let letters = word.utf8Start
    for k in 0..<token.count where asciiUpper(bytes[token.start + k]) != letters[k] { return false }
    return true
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
    // Whole numbers of up to 15 digits ("1", "-3", "422"), the most common kind, are exact as is.
    if end - i <= 15 && i < end {
        var whole: UInt64 = 0, j = i
        while j < end, bytes[j] &- 48 < 10 {
            whole = whole &* 10 &+ UInt64(bytes[j] &- 48)
            j += 1
        }
        if j == end { return negative ? -Double(whole) : Double(whole) }
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
