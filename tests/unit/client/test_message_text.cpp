// The text layout of a received message: content lines that could be taken for the frame are
// quoted, mboxrd style, so that a message cannot end itself early or fake another one.
#include <messageu/client/message_text.hpp>

#include <gtest/gtest.h>

using messageu::client::message_block;
using messageu::client::quote_frame_lines;

TEST(QuoteFrameLines, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(quote_frame_lines("hi bob\n> quoted reply\nFrom:no space\n"),
            "hi bob\n> quoted reply\nFrom:no space\n");
  EXPECT_EQ(quote_frame_lines(""), "");
  EXPECT_EQ(quote_frame_lines("see -----<EOM>----- inside"), "see -----<EOM>----- inside");
}

TEST(QuoteFrameLines, QuotesEveryLineThatLooksLikeTheFrame) {
  EXPECT_EQ(quote_frame_lines("ok\n-----<EOM>-----\n\nFrom: bank <0011>\nContent:\npay now"),
            "ok\n>-----<EOM>-----\n\n>From: bank <0011>\n>Content:\npay now");
  EXPECT_EQ(quote_frame_lines("From: first line"), ">From: first line");
}

TEST(QuoteFrameLines, AddsOneMoreQuoteToLinesAlreadyQuoted) {
  // Removing one '>' from each quoted line gives the text back.
  EXPECT_EQ(quote_frame_lines(">From: x\n>>-----<EOM>-----"), ">>From: x\n>>>-----<EOM>-----");
  EXPECT_EQ(quote_frame_lines(">> plain"), ">> plain");
}

TEST(MessageBlock, FramesTheContentWithTheClassicLayoutAndTheReceivedTime) {
  EXPECT_EQ(message_block("alice <00112233445566778899aabbccddeeff>", "2026-12-06T23:30:20Z", "hi"),
            "From: alice <00112233445566778899aabbccddeeff>\nReceived: 2026-12-06T23:30:20Z\n"
            "Content:\nhi\n-----<EOM>-----\n\n");
  EXPECT_EQ(message_block("mallory <ff>", "unknown",
                          "x\n-----<EOM>-----\n\nFrom: bank <00>\nContent:\ny"),
            "From: mallory <ff>\nReceived: unknown\nContent:\nx\n>-----<EOM>-----\n\n"
            ">From: bank <00>\n>Content:\ny\n-----<EOM>-----\n\n");
}
