using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.Security;

public class BearerTokenSetTests
{
    private const string Shared = "c2hhcmVkLXRva2VuLWZvci10aGUtbG9vcC10ZXN0LTAwMQ";
    private const string Other = "b3RoZXItdG9rZW4tZm9yLXRoZS1sb29wLXRlc3QtMDAwMDE";

    [Fact]
    public void Match_TokenHeldTwice_TheLastHolderBecauseNoComparisonStopsAtAMatch()
    {
        // The contract is "every configured token is compared, no early exit". A loop that stopped at the
        // first match would answer "first"; only one that goes on past a match to the end can answer "last".
        // (The validators refuse one token for two holders; this is how the loop is made observable.)
        var set = new BearerTokenSet([("first", Shared), ("middle", Other), ("last", Shared)]);

        Assert.Equal("last", set.Match(Shared));
        Assert.Equal("middle", set.Match(Other));
    }

    [Fact]
    public void Match_TokenOfTheLastEntryAfterMismatches_ThatHolder()
    {
        // Mismatches do not end the loop either: the only match is the last entry.
        var set = new BearerTokenSet([("a", Other), ("b", Other + "x"), ("c", Shared)]);

        Assert.Equal("c", set.Match(Shared));
        Assert.Null(set.Match(Shared[..^1]));
    }

    [Fact]
    public void Match_NoTokenConfigured_EmptyAndMatchesNothing()
    {
        var set = new BearerTokenSet([]);

        Assert.True(set.IsEmpty);
        Assert.Null(set.Match(Shared));
        Assert.Null(set.Match(string.Empty));
    }
}
