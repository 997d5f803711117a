import Testing
@testable import MILPRemat
