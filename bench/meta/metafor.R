# metafor.R - the R side of bench/meta. Times (inside R, excluding start-up,
# package loading and reading the CSVs) one part per call:
#   a  REPS REML fits of dat.bcg (log RR, escalc included)
#   b  a permutation test with ITER permutations (meta-regression on ablat)
#   c  a REML fit of the 10,000-study data set (converged tightly, as evident's)
#   d  the same 10,000-study REML solution computed directly in O(k)
#      (maximising the restricted log-likelihood with optimize(); not
#      metafor) - a check of evident's numbers when metafor's O(k^3) fit
#      cannot finish in the time limit
# Prints key=value lines that run.sh puts next to evident's.
# usage: Rscript metafor.R WORKDIR PART REPS ITER RUNS
args <- commandArgs(TRUE)
dir <- args[1]; part <- args[2]; reps <- as.integer(args[3])
iter <- as.integer(args[4]); runs <- as.integer(args[5])
suppressMessages(library(metafor))
out <- function(key, x) cat(sprintf("%s=%.17g\n", key, x))

if (part == "a") {
  bcg <- read.csv(file.path(dir, "bcg.csv"))
  t <- numeric(runs)
  for (r in seq_len(runs))
    t[r] <- system.time(for (i in seq_len(reps))
      fit <- rma(measure = "RR", ai = ai, bi = bi, ci = ci, di = di, data = bcg,
                 method = "REML"))[["elapsed"]]
  out("a_time", median(t))
  out("a_tau2", fit$tau2); out("a_estimate", fit$beta[1]); out("a_se", fit$se)
  out("a_QE", fit$QE); out("a_I2", fit$I2)
}
if (part == "b") {
  bcg <- read.csv(file.path(dir, "bcg.csv"))
  res <- rma(measure = "RR", ai = ai, bi = bi, ci = ci, di = di, mods = ~ ablat,
             data = bcg, method = "REML")
  t <- numeric(runs)
  for (r in seq_len(runs))
    t[r] <- system.time(pt <- permutest(res, iter = iter, progbar = FALSE, seed = 1))[["elapsed"]]
  out("b_time", median(t))
  out("b_QM", res$QM); out("b_zval_ablat", res$zval[2]); out("b_beta_ablat", res$beta[2])
  out("b_pval_ablat", pt$pval[2]); out("b_QMp", pt$QMp); out("b_pval_intrcpt", pt$pval[1])
}
if (part == "c") {
  syn <- read.csv(file.path(dir, "syn10k.csv"))
  t <- system.time(fs <- rma(yi, vi, data = syn, method = "REML",
                             control = list(threshold = 1e-12, maxiter = 10000)))[["elapsed"]]
  out("c_time", t)
  out("c_tau2", fs$tau2); out("c_estimate", fs$beta[1]); out("c_se", fs$se)
  out("c_QE", fs$QE); out("c_I2", fs$I2)
}
if (part == "d") {
  syn <- read.csv(file.path(dir, "syn10k.csv"))
  yi <- syn$yi; vi <- syn$vi
  # restricted log-likelihood of tau2 (Viechtbauer 2005, eq. 6), up to a constant
  reml <- function(t2) {
    w <- 1 / (vi + t2); mu <- sum(w * yi) / sum(w)
    -0.5 * sum(log(vi + t2)) - 0.5 * log(sum(w)) - 0.5 * sum(w * (yi - mu)^2)
  }
  t <- system.time(opt <- optimize(reml, c(0, 10), maximum = TRUE, tol = 1e-12))[["elapsed"]]
  t2 <- opt$maximum; w <- 1 / (vi + t2)
  w0 <- 1 / vi; mu0 <- sum(w0 * yi) / sum(w0)
  out("d_time", t)
  out("d_tau2", t2); out("d_estimate", sum(w * yi) / sum(w)); out("d_se", sqrt(1 / sum(w)))
  out("d_QE", sum(w0 * (yi - mu0)^2))
}
