namespace RainForest.Cli.Tests;

/// <summary>Kernel tests run one at a time: the machine has two CPUs to hand out, and the console is redirected per call.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection;
