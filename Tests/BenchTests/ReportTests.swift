import Testing
@testable import MILPBench
