namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// Classes that run alone: timing measurements, where other test classes running beside them only add noise, and
/// tests that hold dedicated threads on a real-time bound, which the rest of the suite could starve past it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingTests
{
    public const string Name = "Timing";
}
