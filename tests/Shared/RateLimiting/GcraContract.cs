using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.SharedTests.RateLimiting;

/// <summary>
/// <see cref="GcraCases"/> on an <see cref="IRateLimiter"/>: every row, each on a limiter of its own. Run on the
/// in-memory limiter (UnitTests) and on Redis (IntegrationTests); the rows also run on <see cref="Gcra.Acquire"/>.
/// </summary>
public abstract class GcraContract
{
    public static TheoryData<string> Cases => GcraCases.Names;

    protected abstract IRateLimiter CreateLimiter();

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(GcraContract))]
    public async Task TryAcquireAsync_GcraCase_AnswersWhatTheFunctionSays(string name)
    {
        var c = GcraCases.Named(name);

        var answers = await GcraCases.OnLimiterAsync(c, CreateLimiter());

        GcraCases.AssertAnswers(c, answers);
    }
}
