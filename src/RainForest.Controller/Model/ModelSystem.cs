namespace RainForest.Controller.Model;

/// <summary>How the model's machine is shared between the latency-critical service and the batch side.</summary>
/// <remarks>
/// Plain Linux (both sides on every CPU under one scheduler) is not modelled: its tail comes from scheduler
/// effects (wake-up preemption, time slices, migrations) that a queueing model could only assume, so its
/// numbers would be the assumption's. The bench measures it on the real machine.
/// </remarks>
public enum ModelSystem
{
    /// <summary>A fixed partition: the initial split, never changed.</summary>
    Static,

    /// <summary>The paper's threshold policy moving CPUs.</summary>
    Threshold,

    /// <summary>The slack policy moving CPUs and donor bandwidth.</summary>
    Slack,
}
