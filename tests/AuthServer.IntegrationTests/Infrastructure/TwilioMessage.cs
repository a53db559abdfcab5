namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>A message the Twilio-style test server took.</summary>
public sealed record TwilioMessage(string Sid, string To, string From, string Body, string StatusCallback);
