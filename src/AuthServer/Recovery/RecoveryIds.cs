using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Recovery;

/// <summary>
/// A recovery's id: six digits naming the slot twin of its group (<see cref="SlotTwins"/>; the group is its document's,
/// RecoveryFlow.Group), then a random token: <c>012345_&lt;22 characters&gt;</c>. A store that shards by slot keeps the
/// recovery's record in its group's shard, beside its code's challenge, so that both are created by one step
/// (<see cref="IRecoveryStore.CreateWithCodeAsync"/>). The twin shows the slot of the group (14 bits of a CRC of a keyed
/// hash of the document the caller typed) and nothing else (docs/security.md, "Recovery ids").
/// </summary>
public static class RecoveryIds
{
    private const int TokenLength = 22;

    /// <summary>A new id in <paramref name="group"/>'s slot.</summary>
    public static string New(string group, IRandomSource random) => Of(group, Tokens.New(random));

    /// <summary>The id of <paramref name="token"/> in <paramref name="group"/>'s slot.</summary>
    public static string Of(string group, string token) => SlotTwins.IdIn(group, token);

    /// <summary>Whether a recovery id of this layout names the slot twin of a grouped challenge id's group (one shard for both).</summary>
    public static bool SharesSlot(string recoveryId, string challengeId) =>
        TryTwin(recoveryId, out var twin) && GroupedId.TrySplit(challengeId, out _, out var group) && SlotTwins.TwinOf(group) == twin;

    /// <summary>
    /// The slot twin an id of this layout names; false for any other id (one made before it, or junk). A twin no group has
    /// (digits a client made up) is a tag like any other: its records are simply not there.
    /// </summary>
    public static bool TryTwin(string recoveryId, out int twin) => SlotTwins.TryTwinOfId(recoveryId, TokenLength, out twin);
}
