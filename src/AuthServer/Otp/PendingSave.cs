namespace Recovery.AuthServer.Otp;

/// <param name="AllowedAt">With <see cref="PendingSaveStatus.TooSoon"/>, when a new enrolment may be stored.</param>
public readonly record struct PendingSave(PendingSaveStatus Status, DateTimeOffset AllowedAt = default);
