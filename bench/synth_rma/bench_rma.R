# bench_rma.R - the metafor side of bench/synth_rma (not a test).
#   Rscript bench_rma.R bcg N REPS      N REML fits of dat.bcg per repetition
#   Rscript bench_rma.R big CSV REPS    one REML fit of the studies in CSV
# Prints one line per repetition: seconds.
suppressPackageStartupMessages(library(metafor))
a <- commandArgs(trailingOnly = TRUE)
reps <- as.integer(a[3])
if (a[1] == "bcg") {
  n <- as.integer(a[2])
  dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
  for (r in seq_len(reps)) {
    t <- system.time(for (i in seq_len(n)) rma(yi, vi, data = dat, method = "REML"))[["elapsed"]]
    cat(sprintf("%.6f\n", t))
  }
} else {
  dat <- read.csv(a[2])
  for (r in seq_len(reps)) {
    t <- system.time(fit <- rma(yi, vi, data = dat, method = "REML"))[["elapsed"]]
    cat(sprintf("%.6f\n", t))
  }
  cat(sprintf("# tau2 %.10g estimate %.10g\n", fit$tau2, coef(fit)), file = stderr())
}
