/// An append-only byte buffer for writing large text files quickly.
struct TextBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

    /// Appends `count` spaces, at least one.
    mutating func pad(to column: Int, from start: Int) {
        let spaces = max(column - (bytes.count - start), 1)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
    }

    /// Appends the shortest text that reads back to exactly `value` (`3`, `0.25`, `1e-05`).
    mutating func append(number value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            append(integer: Int64(value))
        } else {
            append(value.description)
        }
    }

    /// Appends a decimal integer without allocating.
    mutating func append(integer value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }
}
