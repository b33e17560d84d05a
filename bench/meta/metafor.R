# metafor.R - the metafor side of bench/meta: times (inside R, excluding
# start-up and loading) (a) REPS REML fits of dat.bcg (log RR, escalc
# included), (b) a permutation test with ITER permutations of the
# meta-regression on ablat, (c) a REML fit of the 10,000-study data set.
# Prints key=value lines (run.sh puts them next to evident's).
# usage: Rscript metafor.R WORKDIR REPS ITER RUNS
args <- commandArgs(TRUE)
dir <- args[1]; reps <- as.integer(args[2]); iter <- as.integer(args[3])
runs <- as.integer(args[4])
suppressMessages(library(metafor))
bcg <- read.csv(file.path(dir, "bcg.csv"))
syn <- read.csv(file.path(dir, "syn10k.csv"))
out <- function(key, x) cat(sprintf("%s=%.17g\n", key, x))

ta <- numeric(runs)
for (r in seq_len(runs))
  ta[r] <- system.time(for (i in seq_len(reps))
    fit <- rma(measure = "RR", ai = ai, bi = bi, ci = ci, di = di, data = bcg,
               method = "REML"))[["elapsed"]]
out("a_time", median(ta))
out("a_tau2", fit$tau2); out("a_estimate", fit$beta[1]); out("a_se", fit$se)
out("a_QE", fit$QE); out("a_I2", fit$I2)

res <- rma(measure = "RR", ai = ai, bi = bi, ci = ci, di = di, mods = ~ ablat,
           data = bcg, method = "REML")
tb <- numeric(runs)
for (r in seq_len(runs))
  tb[r] <- system.time(pt <- permutest(res, iter = iter, progbar = FALSE,
                                       seed = 1))[["elapsed"]]
out("b_time", median(tb))
out("b_QM", res$QM); out("b_zval_ablat", res$zval[2]); out("b_beta_ablat", res$beta[2])
out("b_pval_ablat", pt$pval[2]); out("b_QMp", pt$QMp); out("b_pval_intrcpt", pt$pval[1])

tc <- numeric(runs)
for (r in seq_len(runs))
  tc[r] <- system.time(fs <- rma(yi, vi, data = syn, method = "REML"))[["elapsed"]]
out("c_time", median(tc))
out("c_tau2", fs$tau2); out("c_estimate", fs$beta[1]); out("c_se", fs$se)
out("c_QE", fs$QE); out("c_I2", fs$I2)
