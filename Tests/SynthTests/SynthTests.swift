import Testing
@testable import MILPSynth
