using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Application.Durable;
using Pipeline.Application.Maintenance;

namespace Pipeline.Application.Tests.Maintenance;

/// <summary>
/// When the eternal orchestration counts as alive, and that a start always carries the alive statuses as dedupe
/// statuses (the backend's refusal is what makes racing starters safe; the local Durable engine races them for real
/// in Pipeline.Local.Tests).
/// </summary>
public sealed class MaintenanceSchedulerTests
{
    private static readonly MaintenanceSchedule Schedule = new(TimeSpan.FromMinutes(1));

    public static TheoryData<OrchestrationRuntimeStatus> AliveStatuses() => [.. SingletonOrchestration.Alive];

    [Theory]
    [MemberData(nameof(AliveStatuses))]
    public async Task An_alive_instance_is_left_alone(OrchestrationRuntimeStatus status)
    {
        var client = new RecordingClient(status);
        Assert.False(await MaintenanceScheduler.EnsureRunningAsync(client, Schedule, CancellationToken.None));
        Assert.Empty(client.Starts);
    }

#pragma warning disable CS0618 // ContinuedAsNew: obsolete in the SDK, reported by the Azure Storage backend
    [Fact]
    public void The_moment_between_two_generations_counts_as_alive() =>
        Assert.Contains(OrchestrationRuntimeStatus.ContinuedAsNew, SingletonOrchestration.Alive);
#pragma warning restore CS0618

    [Theory]
    [InlineData(null)]
    [InlineData(OrchestrationRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated)]
    public async Task A_missing_or_ended_instance_is_started_with_every_alive_status_as_a_dedupe_status(OrchestrationRuntimeStatus? status)
    {
        var client = new RecordingClient(status);
        Assert.True(await MaintenanceScheduler.EnsureRunningAsync(client, Schedule, CancellationToken.None));

        var (name, input, options) = Assert.Single(client.Starts);
        Assert.Equal(nameof(LedgerMaintenanceOrchestrator), name.Name);
        Assert.Equal(Schedule, input);
        Assert.Equal(LedgerMaintenanceOrchestrator.InstanceId, options!.InstanceId);
        Assert.Equal(
            SingletonOrchestration.Alive.Select(s => s.ToString()).Order(),
            options.DedupeStatuses!.Order());
    }

    [Fact]
    public async Task A_start_the_backend_refuses_because_another_caller_won_is_no_failure()
    {
        var client = new RecordingClient(null) { RefuseStarts = true };
        Assert.False(await MaintenanceScheduler.EnsureRunningAsync(client, Schedule, CancellationToken.None));
        Assert.Single(client.Starts);
    }

    /// <summary>Answers one status for every instance and records starts; nothing else is used by the scheduler.</summary>
    private sealed class RecordingClient(OrchestrationRuntimeStatus? status) : DurableTaskClient("recording")
    {
        public List<(TaskName Name, object? Input, StartOrchestrationOptions? Options)> Starts { get; } = [];

        public bool RefuseStarts { get; init; }

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            Task.FromResult(status is { } s ? new OrchestrationMetadata(nameof(LedgerMaintenanceOrchestrator), instanceId) { RuntimeStatus = s } : null);

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
        {
            Starts.Add((orchestratorName, input, options));
            return RefuseStarts ? throw new OrchestrationAlreadyExistsException("taken") : Task.FromResult(options!.InstanceId!);
        }

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
