namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>Timing measurements run alone: other test classes running beside them only add noise.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingTests
{
    public const string Name = "Timing";
}
