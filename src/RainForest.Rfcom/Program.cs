using RainForest.Rfcom;

return RfcomApp.Run(args);
