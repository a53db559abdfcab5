namespace Recovery.AuthServer.SharedTests.Sessions;

/// <summary>
/// One row of <see cref="SessionRuleCases"/>. A ticket case: a ticket issued at
/// <see cref="SessionRuleCases.Start"/> with <paramref name="Idle"/> and a cap <paramref name="Cap"/> after it (no
/// ticket when <paramref name="Idle"/> is null), used at <paramref name="At"/> (expected to work or not), then
/// probed at <paramref name="ProbeAt"/> (expected to work or not), which shows what the first use left stored. A
/// session case (<paramref name="Session"/> true): a session ending <paramref name="Cap"/> after the start, read at
/// <paramref name="At"/>.
/// </summary>
internal sealed record SessionRuleCase(
    string Name,
    TimeSpan? Idle,
    TimeSpan Cap,
    TimeSpan At,
    bool Works,
    TimeSpan? ProbeAt = null,
    bool ProbeWorks = false,
    bool Session = false)
{
    public override string ToString() => Name;
}
