using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.CallCentre;

/// <summary>The call-centre path of step 6. Bound from <c>CallCentre:*</c>.</summary>
public sealed class CallCentreOptions
{
    public const string Section = "CallCentre";

    /// <summary>
    /// Bearer tokens of the call-centre desktop (<c>authorization: Bearer &lt;token&gt;</c>), each base64 of at least
    /// 32 random bytes; several so that one can be rotated without downtime. A credential of its own, not a
    /// channel token. Default: none, and then CallCentreService refuses every call. Development ships a
    /// published one, refused elsewhere.
    /// </summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>Card checks an agent may make for one operation reference (the brief's 3).</summary>
    [Range(1, 10)]
    public int CardChecksPerReference { get; set; } = 3;
}
