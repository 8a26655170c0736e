using RainForest.Bench.Ipc;

return IpcBench.Run(args);
