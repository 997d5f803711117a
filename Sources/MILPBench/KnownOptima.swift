import Foundation
import MILP
import MILPFormats

/// What is known about an instance's optimum.
public enum KnownAnswer: Sendable, Equatable {
    /// The optimal objective value.
    case optimal(Double)
    /// No feasible solution exists.
    case infeasible
    /// A feasible objective is known, optimality is not (MIPLIB `=best=`).
    case bestKnown(Double)
}

/// Known optimal values by instance name, read from CSV (`name,objective,status[,…]`, status `opt`,
/// `inf` or `best`) or from a MIPLIB `.solu` file (`=opt= name value`, `=inf= name`, `=best= name value`).
public struct KnownOptima: Sendable {
    /// The known answers, by instance name (the file name without `.gz`, `.mps`, `.lp`).
    public private(set) var answers: [String: KnownAnswer] = [:]

    /// An empty table: no instance has a known answer.
    public init() {}

    /// Reads a `.csv` or `.solu` file (chosen by extension).
    public init(path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FormatError("\(path): cannot read known optima: \(error.localizedDescription)")
        }
        if path.hasSuffix(".solu") { try parseSolu(text, file: path) } else { try parseCSV(text, file: path) }
    }

    /// The known answer for an instance name, or nil when none is known.
    public subscript(name: String) -> KnownAnswer? { answers[name] }

    private mutating func parseCSV(_ text: String, file: String) throws {
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 3, !fields[0].isEmpty, !line.hasPrefix("#") else { continue }
            if index == 0 && fields[0] == "name" { continue }
            let number = Double(fields[1])
            switch fields[2].lowercased() {
            case "opt", "optimal":
                guard let number else { throw ParseError(file: file, line: index + 1, message: "expected an objective value for \(fields[0])") }
                answers[fields[0]] = .optimal(number)
            case "best", "feas", "feasible":
                guard let number else { throw ParseError(file: file, line: index + 1, message: "expected an objective value for \(fields[0])") }
                answers[fields[0]] = .bestKnown(number)
            case "inf", "infeasible":
                answers[fields[0]] = .infeasible
            default:
                throw ParseError(file: file, line: index + 1, message: "unknown status \"\(fields[2])\"; expected opt, best or inf")
            }
        }
    }

    private mutating func parseSolu(_ text: String, file: String) throws {
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let tag = fields.first else { continue }
            func value() throws -> Double {
                guard fields.count >= 3, let v = Double(fields[2]) else {
                    throw ParseError(file: file, line: index + 1, message: "expected \"\(tag) name value\"")
                }
                return v
            }
            switch tag {
            case "=opt=": answers[fields[1]] = .optimal(try value())
            case "=best=": answers[fields[1]] = .bestKnown(try value())
            case "=inf=": if fields.count >= 2 { answers[fields[1]] = .infeasible }
            case "=unkn=", "=unbd=", "=best dual=": continue
            default:
                if tag.hasPrefix("#") { continue }
                throw ParseError(file: file, line: index + 1, message: "unknown tag \"\(tag)\"; expected =opt=, =best=, =inf= or =unkn=")
            }
        }
    }
}
