using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Access;

public sealed record ChangePasswordCommand(string Ticket, string CurrentPassword, string NewPassword, string RepeatPassword, Language? Language, CallerContext Caller)
{
    public override string ToString() => "ChangePasswordCommand { (secrets hidden) }";
}
