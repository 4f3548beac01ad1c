/** Tables (text, markdown) and PNG plots of subnets' accuracy against cost. */
package io.dialnet.report;
