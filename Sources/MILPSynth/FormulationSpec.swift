// LLM-synthesized formulations (issue 8): formulation spec, template compiler, readers, LLM client.
