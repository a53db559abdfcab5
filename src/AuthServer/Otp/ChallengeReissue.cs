namespace Recovery.AuthServer.Otp;

/// <summary>
/// A reissue of a challenge prepared by <see cref="OtpEngine.PrepareReissue"/> for a store step that reissues it within
/// a larger atomic step: the new code's MAC, the time it is judged at and the limits it obeys (see IChallengeStore.ReissueAsync).
/// </summary>
public sealed record ChallengeReissue(byte[] NewMac, DateTimeOffset Now, ChallengeLimits Limits);
